package dev.berth.registry.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link S3Storage} keeps its objects.
 *
 * @param endpoint the store's URL ({@code http://127.0.0.1:7480} for a Ceph gateway), or null for
 *     AWS S3 itself (the region decides the host)
 * @param region the signing region; stores other than AWS accept {@code us-east-1}
 * @param bucket the bucket, which must exist
 * @param rootPrefix the key prefix every storage path goes under, without leading or trailing
 *     {@code /}; empty for the whole bucket. Berth's paths already start with registry:2's
 *     {@code docker/registry/v2/}, so a registry:2 {@code rootdirectory} of {@code /a/b} is the
 *     prefix {@code a/b} here.
 * @param credentials how requests are signed
 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}; most
 *     self-hosted stores want it
 * @param partSize bytes buffered per part of a streamed object, between {@link #MIN_PART_SIZE}
 *     and {@link #MAX_PART_SIZE}: the memory one open writer may hold, and the size of the parts
 *     of an object larger than {@link #SINGLE_PUT_LIMIT} (at most 10,000 parts, so the default
 *     10 MiB parts allow 97 GiB, as registry:2's default {@code chunksize} does)
 * @param requestChecksums when the client adds checksums to what it sends
 * @param responseChecksums when the client checks checksums of what it receives
 * @param conditionalWrites whether to use {@code If-None-Match: *} when the store supports it
 *     (detected at start), or never (then creates are checked within this instance only)
 * @param redirectExpiry how long the presigned GET URLs that blob GETs are redirected to stay
 *     valid; null for no redirects (the bytes then pass through Berth)
 */
public record S3Config(URI endpoint, String region, String bucket, String rootPrefix,
    S3Credentials credentials, boolean pathStyle, int partSize, ChecksumMode requestChecksums,
    ChecksumMode responseChecksums, boolean conditionalWrites, Duration redirectExpiry) {

  /** S3's smallest part (all but the last part of a multipart upload must be this large). */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
  /** The largest buffer Berth allows for one part. */
  public static final int MAX_PART_SIZE = 1024 * 1024 * 1024;
  /**
   * registry:2's default {@code chunksize}. The parts an object is written in decide how Ceph's
   * gateway reads it back: on the test gateway, 32 MiB objects written in 10 MiB parts pulled
   * about a quarter faster than in 16 MiB parts, at less gateway CPU per byte
   * (docs/design/s3.md, "The object's layout sets the gateway's cost").
   */
  public static final int DEFAULT_PART_SIZE = 10 * 1024 * 1024;
  /**
   * The largest object written with one PUT; a larger one is a multipart upload even when it
   * fits one part. Ceph's gateway keeps the first 4 MiB of a PUT object in its head and reads a
   * larger one back in bigger pieces, its messenger thread spending two to three times the CPU
   * per byte it spends on the same bytes written as parts (docs/design/s3.md). registry:2 writes
   * every object in parts.
   */
  public static final int SINGLE_PUT_LIMIT = 4 * 1024 * 1024;
  public static final String DEFAULT_REGION = "us-east-1";
  /** distribution's expiry of its S3 driver's presigned URLs. */
  public static final Duration DEFAULT_REDIRECT_EXPIRY = Duration.ofMinutes(20);
  /** SigV4's limit on a presigned URL's validity. */
  public static final Duration MAX_REDIRECT_EXPIRY = Duration.ofDays(7);

  public S3Config {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("an S3 bucket must be named");
    }
    if (region == null || region.isEmpty()) {
      throw new IllegalArgumentException("an S3 region must be named (us-east-1 for most stores)");
    }
    rootPrefix = normalizePrefix(rootPrefix);
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(requestChecksums, "requestChecksums");
    Objects.requireNonNull(responseChecksums, "responseChecksums");
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException("S3 part size " + partSize + " is outside "
          + MIN_PART_SIZE + ".." + MAX_PART_SIZE + " bytes");
    }
    if (redirectExpiry != null && (redirectExpiry.compareTo(Duration.ofSeconds(1)) < 0
        || redirectExpiry.compareTo(MAX_REDIRECT_EXPIRY) > 0)) {
      throw new IllegalArgumentException("S3 redirect expiry " + redirectExpiry
          + " is outside 1s..7d (SigV4's limit)");
    }
    if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
      throw new IllegalArgumentException("S3 endpoint " + endpoint + " is not an absolute URL");
    }
  }

  /** A configuration with defaults for everything but the bucket. */
  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.isEmpty()) {
      Keys.check(p);
    }
    return p;
  }

  /** The settings that a log line may show: no secret. */
  @Override
  public String toString() {
    return "s3://" + bucket + "/" + rootPrefix + " at "
        + (endpoint == null ? "AWS S3 " + region : endpoint) + " with " + credentials;
  }

  /** Builds an {@link S3Config}; every setting but the bucket has a default. */
  public static final class Builder {
    private final String bucket;
    private URI endpoint;
    private String region = DEFAULT_REGION;
    private String rootPrefix = "";
    private S3Credentials credentials = S3Credentials.defaultChain();
    private boolean pathStyle = true;
    private int partSize = DEFAULT_PART_SIZE;
    private ChecksumMode requestChecksums = ChecksumMode.WHEN_REQUIRED;
    private ChecksumMode responseChecksums = ChecksumMode.WHEN_REQUIRED;
    private boolean conditionalWrites = true;
    private Duration redirectExpiry;

    private Builder(String bucket) {
      this.bucket = bucket;
    }

    public Builder endpoint(URI value) {
      this.endpoint = value;
      return this;
    }

    public Builder region(String value) {
      this.region = value;
      return this;
    }

    public Builder rootPrefix(String value) {
      this.rootPrefix = value;
      return this;
    }

    public Builder credentials(S3Credentials value) {
      this.credentials = value;
      return this;
    }

    /** Path-style addressing; on by default (self-hosted stores rarely have bucket DNS names). */
    public Builder pathStyle(boolean value) {
      this.pathStyle = value;
      return this;
    }

    public Builder partSize(int value) {
      this.partSize = value;
      return this;
    }

    public Builder requestChecksums(ChecksumMode value) {
      this.requestChecksums = value;
      return this;
    }

    public Builder responseChecksums(ChecksumMode value) {
      this.responseChecksums = value;
      return this;
    }

    /** Use {@code If-None-Match: *} where the store supports it (default), or never. */
    public Builder conditionalWrites(boolean value) {
      this.conditionalWrites = value;
      return this;
    }

    /**
     * Answer blob GETs with a 307 to a presigned GET URL valid this long, so that the bytes go
     * from the store to the client directly; null (the default) for none. Clients must be able
     * to reach the endpoint as Berth names it.
     */
    public Builder redirects(Duration expiry) {
      this.redirectExpiry = expiry;
      return this;
    }

    public S3Config build() {
      return new S3Config(endpoint, region, bucket, rootPrefix, credentials, pathStyle, partSize,
          requestChecksums, responseChecksums, conditionalWrites, redirectExpiry);
    }
  }
}
