package dev.berth.jetty;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings (ITU-T X.690) a self-signed X.509 certificate needs: the JDK verifies and
 * parses certificates but has no public API to make one, and a test-only certificate is not worth
 * a dependency on a crypto library.
 */
final class Der {
  private Der() {}

  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    byte[] content = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      byte[] len = BigInteger.valueOf(n).toByteArray();
      int start = len[0] == 0 ? 1 : 0;
      out.write(0x80 | (len.length - start));
      out.write(len, start, len.length - start);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... parts) {
    return tlv(0x30, parts);
  }

  static byte[] set(byte[]... parts) {
    return tlv(0x31, parts);
  }

  static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  static byte[] bool(boolean value) {
    return tlv(0x01, new byte[] {(byte) (value ? 0xff : 0)});
  }

  static byte[] octets(byte[] value) {
    return tlv(0x04, value);
  }

  /** A BIT STRING of whole bytes (no unused bits). */
  static byte[] bits(byte[] value) {
    byte[] body = new byte[value.length + 1];
    System.arraycopy(value, 0, body, 1, value.length);
    return tlv(0x03, body);
  }

  static byte[] utf8(String value) {
    return tlv(0x0c, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A context-specific tag: constructed ({@code [n] EXPLICIT}) or primitive ({@code IMPLICIT}). */
  static byte[] tagged(int number, boolean constructed, byte[] content) {
    return tlv(0x80 | (constructed ? 0x20 : 0) | number, content);
  }

  /** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
  static byte[] time(ZonedDateTime at) {
    ZonedDateTime utc = at.withZoneSameInstant(ZoneOffset.UTC);
    boolean utcTime = utc.getYear() < 2050;
    String text = utc.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'"
        : "yyyyMMddHHmmss'Z'"));
    return tlv(utcTime ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long v = Long.parseLong(parts[i]);
      byte[] groups = new byte[10];
      int n = 0;
      do {
        groups[n++] = (byte) (v & 0x7f);
        v >>>= 7;
      } while (v != 0);
      for (int j = n - 1; j >= 0; j--) {
        out.write(groups[j] | (j > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }
}
