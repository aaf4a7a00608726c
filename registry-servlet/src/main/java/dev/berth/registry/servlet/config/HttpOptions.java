package dev.berth.registry.servlet.config;

import java.net.URI;
import java.time.Duration;

/**
 * How the servlet speaks HTTP, whatever container runs it.
 *
 * @param relativeUrls send {@code Location} headers as paths instead of absolute URLs
 * @param trustedProxies whose {@code Forwarded} / {@code X-Forwarded-*} headers to honour
 * @param minUploadRate bytes per second below which a request body is cut off once
 *     {@code uploadRateGrace} has passed; 0 never
 * @param uploadRateGrace how long a body may arrive slower than {@code minUploadRate}
 * @param externalUrl the scheme, host and port clients reach the registry at
 *     ({@code https://registry.example.com}, no path), for absolute {@code Location} URLs in
 *     place of the request's own; null to take them from the request (distribution's
 *     {@code http.host})
 */
public record HttpOptions(boolean relativeUrls, TrustedProxies trustedProxies, int minUploadRate,
    Duration uploadRateGrace, URI externalUrl) {

  public HttpOptions {
    if (externalUrl != null && !isExternalUrl(externalUrl)) {
      throw new IllegalArgumentException("not an http(s) URL without a path: " + externalUrl);
    }
  }

  /** Without an external URL: absolute URLs name the host the request was sent to. */
  public HttpOptions(boolean relativeUrls, TrustedProxies trustedProxies, int minUploadRate,
      Duration uploadRateGrace) {
    this(relativeUrls, trustedProxies, minUploadRate, uploadRateGrace, null);
  }

  /**
   * The settings table's defaults ({@code http.relativeUrls} false, no trusted proxies,
   * {@code http.minUploadRate} 1024, {@code http.uploadRateGrace} 30s, no external URL), written
   * out: every embedded server asks for them, and building the table (every setting with its
   * parser and checks) cost a first start some 10 ms. SettingsTest checks that they agree.
   */
  private static final HttpOptions DEFAULTS = new HttpOptions(false, TrustedProxies.none(), 1024,
      Duration.ofSeconds(30), null);

  public static HttpOptions defaults() {
    return DEFAULTS;
  }

  /** Whether {@code url} is {@code http(s)://host[:port]} with at most a {@code /} as path. */
  public static boolean isExternalUrl(URI url) {
    String scheme = url.getScheme();
    return url.isAbsolute() && url.getHost() != null
        && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        && (url.getRawPath() == null || url.getRawPath().isEmpty()
            || url.getRawPath().equals("/"))
        && url.getRawQuery() == null && url.getRawFragment() == null
        && url.getRawUserInfo() == null;
  }

  /** {@code scheme://host[:port]} of the external URL, or null when there is none. */
  public String externalBase() {
    if (externalUrl == null) {
      return null;
    }
    return externalUrl.getScheme().toLowerCase(java.util.Locale.ROOT) + "://"
        + externalUrl.getRawAuthority();
  }

  public HttpOptions withRelativeUrls(boolean relative) {
    return new HttpOptions(relative, trustedProxies, minUploadRate, uploadRateGrace, externalUrl);
  }

  public HttpOptions withTrustedProxies(TrustedProxies proxies) {
    return new HttpOptions(relativeUrls, proxies, minUploadRate, uploadRateGrace, externalUrl);
  }

  public HttpOptions withMinUploadRate(int bytesPerSecond, Duration grace) {
    return new HttpOptions(relativeUrls, trustedProxies, bytesPerSecond, grace, externalUrl);
  }

  public HttpOptions withExternalUrl(URI url) {
    return new HttpOptions(relativeUrls, trustedProxies, minUploadRate, uploadRateGrace, url);
  }
}
