package dev.berth.registry.servlet.config;

import java.time.Duration;

/**
 * How the servlet speaks HTTP, whatever container runs it.
 *
 * @param relativeUrls send {@code Location} headers as paths instead of absolute URLs
 * @param trustedProxies whose {@code Forwarded} / {@code X-Forwarded-*} headers to honour
 * @param minUploadRate bytes per second below which a request body is cut off once
 *     {@code uploadRateGrace} has passed; 0 never
 * @param uploadRateGrace how long a body may arrive slower than {@code minUploadRate}
 */
public record HttpOptions(boolean relativeUrls, TrustedProxies trustedProxies, int minUploadRate,
    Duration uploadRateGrace) {

  public static HttpOptions defaults() {
    return new Settings().httpOptions();
  }

  public HttpOptions withRelativeUrls(boolean relative) {
    return new HttpOptions(relative, trustedProxies, minUploadRate, uploadRateGrace);
  }

  public HttpOptions withTrustedProxies(TrustedProxies proxies) {
    return new HttpOptions(relativeUrls, proxies, minUploadRate, uploadRateGrace);
  }

  public HttpOptions withMinUploadRate(int bytesPerSecond, Duration grace) {
    return new HttpOptions(relativeUrls, trustedProxies, bytesPerSecond, grace);
  }
}
