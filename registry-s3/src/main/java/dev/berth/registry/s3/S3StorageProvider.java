package dev.berth.registry.s3;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@code storage.s3.*} settings as a {@link StorageProvider}, so that the launcher and the
 * servlet open S3 storage without compiling against this module. Each failure at start names the
 * key it blames: the bucket when the store says it is missing, the access key when it refuses
 * the credentials, the secret key when the signature does not match, the region when the store
 * answers 400 or 301, the endpoint when nothing answers.
 */
public final class S3StorageProvider implements StorageProvider {

  @Override
  public String section() {
    return "storage.s3";
  }

  @Override
  public Storage open(Map<String, String> settings, Clock clock) {
    S3Config config = config(settings);
    try {
      return S3Storage.open(config, clock);
    } catch (StorageException e) {
      throw new SettingException(blame(e.getCause(), settings), e.getMessage(), e);
    }
  }

  /** The configuration the settings describe; a value that cannot be one names its key. */
  static S3Config config(Map<String, String> settings) {
    String bucket = value(settings, "bucket");
    if (bucket.isEmpty()) {
      throw new SettingException("bucket", "S3 storage needs a bucket", null);
    }
    S3Config.Builder b = S3Config.builder(bucket);
    String endpoint = value(settings, "endpoint");
    if (!endpoint.isEmpty()) {
      b.endpoint(endpoint(endpoint));
    }
    if (!value(settings, "region").isEmpty()) {
      b.region(value(settings, "region"));
    }
    b.rootPrefix(value(settings, "rootPrefix"));
    String access = value(settings, "accessKey");
    String secret = value(settings, "secretKey");
    if (access.isEmpty() != secret.isEmpty()) {
      throw new SettingException(access.isEmpty() ? "accessKey" : "secretKey",
          "an access key and a secret key go together (or neither, for the SDK's default"
              + " credentials chain)", null);
    }
    b.credentials(access.isEmpty() ? S3Credentials.defaultChain()
        : S3Credentials.of(access, secret));
    if (!value(settings, "pathStyle").isEmpty()) {
      b.pathStyle(Boolean.parseBoolean(value(settings, "pathStyle")));
    }
    if (!value(settings, "conditionalWrites").isEmpty()) {
      b.conditionalWrites(Boolean.parseBoolean(value(settings, "conditionalWrites")));
    }
    if (!value(settings, "checksums").isEmpty()) {
      ChecksumMode mode = checksums(value(settings, "checksums"));
      b.requestChecksums(mode).responseChecksums(mode);
    }
    if (!value(settings, "partSize").isEmpty()) {
      b.partSize(partSize(value(settings, "partSize")));
    }
    if (Boolean.parseBoolean(value(settings, "redirect"))) {
      String expiry = value(settings, "redirectExpiry");
      b.redirects(expiry.isEmpty() ? S3Config.DEFAULT_REDIRECT_EXPIRY : duration(expiry));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new SettingException(m.contains("redirect") ? "redirectExpiry"
          : m.contains("prefix") || m.contains("key") ? "rootPrefix" : "bucket", m, e);
    }
  }

  private static String value(Map<String, String> settings, String key) {
    String v = settings.get(key);
    return v == null ? "" : v.trim();
  }

  private static URI endpoint(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || uri.getHost() == null
          || !uri.getScheme().matches("https?")) {
        throw new SettingException("endpoint", "not an http:// or https:// URL", null);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new SettingException("endpoint", "not a URL: " + e.getReason(), e);
    }
  }

  /**
   * A duration as the settings write them ({@code 20m}, {@code 1h30m}, {@code 90s}, {@code 2d}),
   * through ISO-8601's {@code PT20M} (days before the {@code T}).
   */
  private static Duration duration(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    int d = t.indexOf('D');
    String iso = d < 0 ? "PT" + t : "P" + t.substring(0, d + 1)
        + (d + 1 < t.length() ? "T" + t.substring(d + 1) : "");
    try {
      return Duration.parse(iso);
    } catch (DateTimeParseException e) {
      throw new SettingException("redirectExpiry", "not a duration such as 20m, 1h or 90s", e);
    }
  }

  private static ChecksumMode checksums(String text) {
    return switch (text.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
      case "whenrequired" -> ChecksumMode.WHEN_REQUIRED;
      case "whensupported" -> ChecksumMode.WHEN_SUPPORTED;
      default -> throw new SettingException("checksums",
          "expected whenRequired or whenSupported", null);
    };
  }

  private static int partSize(String text) {
    long n;
    try {
      n = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new SettingException("partSize", "not a whole number of bytes", e);
    }
    if (n < S3Config.MIN_PART_SIZE || n > S3Config.MAX_PART_SIZE) {
      throw new SettingException("partSize", "outside " + S3Config.MIN_PART_SIZE + ".."
          + S3Config.MAX_PART_SIZE + " bytes (S3's smallest part is 5 MiB)", null);
    }
    return (int) n;
  }

  /** The key a failure at start is most likely due to. */
  private static String blame(Throwable cause, Map<String, String> settings) {
    if (cause instanceof S3Exception s) {
      String code = S3Failures.code(s);
      return switch (s.statusCode()) {
        case 404 -> "bucket";
        case 403 -> "SignatureDoesNotMatch".equals(code) ? "secretKey"
            : value(settings, "accessKey").isEmpty() ? "bucket" : "accessKey";
        case 400, 301 -> "region";
        default -> "endpoint";
      };
    }
    if (cause instanceof SdkClientException) {
      return "endpoint";
    }
    return "endpoint";
  }
}
