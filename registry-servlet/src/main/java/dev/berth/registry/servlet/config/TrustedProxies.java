package dev.berth.registry.servlet.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose {@code Forwarded} (RFC 7239) and {@code X-Forwarded-Proto/Host/Port} headers
 * decide the scheme, host and port of the URLs Berth sends back. Off when empty: then a client
 * cannot make Berth send {@code Location} headers to a host of its choosing. Entries are addresses
 * or CIDR ranges ({@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}); only literal addresses, so
 * that no lookup ever runs.
 */
public final class TrustedProxies {

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  private final List<Range> ranges;
  private final List<String> written;

  private TrustedProxies(List<Range> ranges, List<String> written) {
    this.ranges = ranges;
    this.written = written;
  }

  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * @throws IllegalArgumentException for an entry that is not an address or CIDR range
   */
  public static TrustedProxies parse(List<String> entries) {
    if (entries.isEmpty()) {
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      String e = entry.trim();
      int slash = e.indexOf('/');
      byte[] address = literal(slash < 0 ? e : e.substring(0, slash), entry);
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(e.substring(slash + 1));
        } catch (NumberFormatException ex) {
          bits = -1;
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException("http.trustedProxies: bad prefix length in '" + entry
              + "'");
        }
      }
      ranges.add(new Range(address, bits));
    }
    return new TrustedProxies(List.copyOf(ranges), List.copyOf(entries));
  }

  /** Whether the peer at {@code remoteAddress} (as the container reports it) is trusted. */
  public boolean trusts(String remoteAddress) {
    if (ranges.isEmpty() || remoteAddress == null) {
      return false;
    }
    byte[] address;
    try {
      address = literal(remoteAddress, remoteAddress);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (Range r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** A literal IPv4 or IPv6 address; never a name (no lookup). */
  private static byte[] literal(String text, String entry) {
    String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1)
        : text;
    boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("http.trustedProxies: '" + entry
          + "' is not an IP address or CIDR range");
    }
    try {
      byte[] bytes = InetAddress.getByName(t).getAddress();
      // An IPv4-mapped IPv6 address compares as IPv4.
      if (bytes.length == 16 && new BigInteger(1, java.util.Arrays.copyOf(bytes, 12))
          .equals(BigInteger.valueOf(0xffff))) {
        return java.util.Arrays.copyOfRange(bytes, 12, 16);
      }
      return bytes;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("http.trustedProxies: '" + entry
          + "' is not an IP address or CIDR range");
    }
  }

  @Override
  public String toString() {
    return written.isEmpty() ? "none" : String.join(",", written);
  }
}
