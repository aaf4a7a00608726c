package dev.berth.registry.servlet;

import dev.berth.registry.servlet.config.TrustedProxies;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client's address for the access log: the peer's, unless the peer is a
 * {@link TrustedProxies trusted proxy}; then the addresses its {@code Forwarded} ({@code for=},
 * RFC 7239) or else {@code X-Forwarded-For} header lists, read from the right: each proxy appends
 * the address it received from, so the right-most address that is not itself a trusted proxy is
 * the client (what a client puts in the header itself sits further left and is not believed).
 */
final class ClientAddress {
  private ClientAddress() {}

  static String of(HttpServletRequest request, TrustedProxies proxies) {
    String peer = request.getRemoteAddr();
    if (proxies.isEmpty() || !proxies.trusts(peer)) {
      return peer;
    }
    List<String> hops = forwarded(request);
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      client = hops.get(i);
      if (!proxies.trusts(client)) {
        break;
      }
    }
    return client;
  }

  /** The addresses the proxies recorded, left to right; bracketed IPv6 and ports removed. */
  private static List<String> forwarded(HttpServletRequest request) {
    List<String> hops = new ArrayList<>();
    String forwarded = request.getHeader("Forwarded");
    if (forwarded != null) {
      for (String element : forwarded.split(",")) {
        for (String pair : element.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
            add(hops, pair.substring(eq + 1));
          }
        }
      }
      return hops;
    }
    String xff = request.getHeader("X-Forwarded-For");
    if (xff != null) {
      for (String hop : xff.split(",")) {
        add(hops, hop);
      }
    }
    return hops;
  }

  private static void add(List<String> hops, String raw) {
    String v = raw.trim();
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      v = close > 0 ? v.substring(1, close) : v;
    } else if (v.indexOf(':') == v.lastIndexOf(':') && v.indexOf(':') > 0) {
      v = v.substring(0, v.indexOf(':'));
    }
    // Only address-like values: an obfuscated identifier ("_hidden", "unknown") or junk is kept
    // out of the log as it is of the decision.
    if (v.matches("[0-9A-Fa-f.:]{2,45}")) {
      hops.add(v);
    }
  }
}
