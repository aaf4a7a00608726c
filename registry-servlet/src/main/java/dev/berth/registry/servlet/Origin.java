package dev.berth.registry.servlet;

import dev.berth.registry.servlet.config.TrustedProxies;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/**
 * The scheme, host and port clients reached the registry at, for absolute URLs. The request's own,
 * unless the peer is a {@link TrustedProxies trusted proxy}: then its {@code Forwarded} header (RFC
 * 7239; the first element, which the proxy nearest the client wrote), else its
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Forwarded-Port}.
 */
record Origin(String scheme, String host, int port) {

  static Origin of(HttpServletRequest request, TrustedProxies proxies) {
    String scheme = request.getScheme();
    String host = request.getServerName();
    int port = request.getServerPort();
    if (!proxies.isEmpty() && proxies.trusts(request.getRemoteAddr())) {
      String forwarded = request.getHeader("Forwarded");
      String proto = null;
      String forwardedHost = null;
      String forwardedPort = null;
      if (forwarded != null) {
        String first = forwarded.split(",", 2)[0];
        for (String pair : first.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            String name = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = unquote(pair.substring(eq + 1).trim());
            if (name.equals("proto")) {
              proto = value;
            } else if (name.equals("host")) {
              forwardedHost = value;
            }
          }
        }
      } else {
        proto = first(request.getHeader("X-Forwarded-Proto"));
        forwardedHost = first(request.getHeader("X-Forwarded-Host"));
        forwardedPort = first(request.getHeader("X-Forwarded-Port"));
      }
      if (proto != null && proto.matches("(?i)https?")) {
        boolean changed = !proto.equalsIgnoreCase(scheme);
        scheme = proto.toLowerCase(Locale.ROOT);
        if (changed && forwardedHost == null) {
          port = -1;
        }
      }
      if (forwardedHost != null && forwardedHost.matches("[A-Za-z0-9.:\\[\\]-]+")) {
        int colon = forwardedHost.lastIndexOf(':');
        if (colon > 0 && forwardedHost.indexOf(']') < colon
            && forwardedHost.substring(colon + 1).matches("\\d{1,5}")) {
          host = forwardedHost.substring(0, colon);
          port = Integer.parseInt(forwardedHost.substring(colon + 1));
        } else {
          host = forwardedHost;
          port = -1;
        }
      }
      // X-Forwarded-Port names the port the client used, whatever the host header carried.
      if (forwardedPort != null && forwardedPort.matches("\\d{1,5}")) {
        port = Integer.parseInt(forwardedPort);
      }
    }
    return new Origin(scheme, host, port);
  }

  /** {@code scheme://host[:port]}, the port left out when it is the scheme's default. */
  String base() {
    boolean defaultPort = port <= 0 || ("http".equals(scheme) && port == 80)
        || ("https".equals(scheme) && port == 443);
    String shownHost = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return scheme + "://" + shownHost + (defaultPort ? "" : ":" + port);
  }

  private static String first(String header) {
    return header == null ? null : header.split(",", 2)[0].trim();
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }
}
