package dev.berth.registry.servlet.config;

import java.util.Locale;
import java.util.Map;

/**
 * distribution's {@code storage.s3} parameters onto Berth's {@code storage.s3.*} settings, as
 * registry:2 users write them. {@code secure} decides the scheme of a {@code regionendpoint}
 * given without one (distribution prefixes {@code https://} unless {@code secure: false});
 * {@code rootdirectory} is a key prefix, its slashes trimmed. Parameters about encryption,
 * storage classes and acceleration are named as ignored: Berth leaves them to the bucket's
 * defaults.
 */
final class DistributionS3 {
  private DistributionS3() {}

  private static final Map<String, String> TO = Map.of("accesskey", "storage.s3.accessKey",
      "secretkey", "storage.s3.secretKey", "region", "storage.s3.region", "bucket",
      "storage.s3.bucket", "rootdirectory", "storage.s3.rootPrefix", "forcepathstyle",
      "storage.s3.pathStyle", "chunksize", "storage.s3.partSize");

  /**
   * {@code storage.redirect.disable}: registry:2 redirects blob GETs to its storage's presigned
   * URLs unless disabled, and of the drivers Berth serves only the s3 one does. So with s3 it sets
   * {@code storage.s3.redirect} to its negation; elsewhere it is ignored. Berth's default is
   * off: a file without the key is served through Berth, where registry:2 would redirect.
   */
  static void redirect(Object storage, DistributionConfig.Walk walk) {
    if (!(storage instanceof Map<?, ?> drivers) || !drivers.containsKey("redirect")) {
      return;
    }
    Object redirect = drivers.get("redirect");
    if (!drivers.containsKey("s3") || !(redirect instanceof Map<?, ?> params)) {
      walk.ignore("storage.redirect", redirect);
      return;
    }
    for (Map.Entry<?, ?> e : params.entrySet()) {
      String at = "storage.redirect." + e.getKey();
      String text = e.getValue() == null ? "" : String.valueOf(e.getValue()).trim();
      if (!String.valueOf(e.getKey()).equalsIgnoreCase("disable")) {
        walk.ignore(at, e.getValue());
      } else if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        walk.set("storage.s3.redirect", String.valueOf(text.equalsIgnoreCase("false")), at);
      } else {
        walk.problem(at, text, "expected true or false");
      }
    }
  }

  static void apply(String path, Object value, DistributionConfig.Walk walk) {
    if (!(value instanceof Map<?, ?> map)) {
      walk.problem(path, value, "expected the s3 driver's parameters (bucket, region, ...)");
      return;
    }
    boolean secure = !"false".equalsIgnoreCase(String.valueOf(map.get("secure")).trim());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT);
      String at = path + "." + e.getKey();
      String text = e.getValue() == null ? "" : String.valueOf(e.getValue()).trim();
      if (TO.containsKey(key)) {
        if (key.equals("forcepathstyle")) {
          text = text.toLowerCase(Locale.ROOT);
        }
        walk.set(TO.get(key), text, at);
      } else if (key.equals("regionendpoint")) {
        if (!text.isEmpty() && !text.contains("://")) {
          text = (secure ? "https://" : "http://") + text;
        }
        walk.set("storage.s3.endpoint", text.endsWith("/") ? text.substring(0,
            text.length() - 1) : text, at);
      } else if (key.equals("secure")) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
          walk.problem(at, text, "expected true or false");
        }
      } else if (key.equals("skipverify") && text.equalsIgnoreCase("true")) {
        walk.problem(at, text, "Berth always verifies the S3 store's certificate (add its CA"
            + " to the JVM's trust store instead)");
      } else {
        walk.ignore(at, e.getValue());
      }
    }
  }
}
