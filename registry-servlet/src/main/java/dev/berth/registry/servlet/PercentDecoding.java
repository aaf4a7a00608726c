package dev.berth.registry.servlet;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of paths and query values. Unlike form decoding, {@code +} stays a plus: media
 * types such as {@code application/spdx+json} arrive unencoded from hand-written URLs.
 */
final class PercentDecoding {
  private PercentDecoding() {}

  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw bad(s);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw bad(s);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static RegistryException bad(String s) {
    return new RegistryException(ErrorCode.ROUTE_UNKNOWN, "malformed percent-encoding in " + s);
  }
}
