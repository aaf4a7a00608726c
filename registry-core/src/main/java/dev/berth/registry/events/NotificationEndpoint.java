package dev.berth.registry.events;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One webhook receiver, as distribution's {@code notifications.endpoints[]} describes it.
 *
 * @param name the endpoint's name: also its outbox folder and its metrics label
 * @param headers sent with every request (a header may repeat, as in distribution's config)
 * @param timeout of one delivery request
 * @param threshold failures in a row after which the endpoint is reported failing
 * @param backoff the first wait after a failure; it doubles up to 32 times that
 * @param ignoredMediaTypes events whose target has one of these media types are not sent
 * @param ignoredActions events with one of these actions are not sent
 * @param cloudEvents send CloudEvents 1.0 in structured batch mode instead of distribution's
 *     envelope
 */
public record NotificationEndpoint(String name, URI url, Map<String, List<String>> headers,
    Duration timeout, int threshold, Duration backoff, Set<String> ignoredMediaTypes,
    Set<String> ignoredActions, boolean disabled, boolean cloudEvents) {

  /** Names end up in storage paths and metric labels: keep them to a safe alphabet. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public NotificationEndpoint {
    Objects.requireNonNull(url, "url");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("endpoint name '" + name + "' must match " + NAME);
    }
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1, not " + threshold);
    }
    if (timeout.isNegative() || timeout.isZero() || backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("timeout and backoff must be positive");
    }
    headers = Map.copyOf(headers);
    ignoredMediaTypes = Set.copyOf(ignoredMediaTypes);
    ignoredActions = Set.copyOf(ignoredActions);
  }

  /** An endpoint with distribution's defaults: 1 s timeout, threshold 10, 1 s backoff. */
  public static NotificationEndpoint of(String name, URI url) {
    return new NotificationEndpoint(name, url, Map.of(), Duration.ofSeconds(1), 10,
        Duration.ofSeconds(1), Set.of(), Set.of(), false, false);
  }

  public NotificationEndpoint withBackoff(Duration backoff) {
    return new NotificationEndpoint(name, url, headers, timeout, threshold, backoff,
        ignoredMediaTypes, ignoredActions, disabled, cloudEvents);
  }

  public NotificationEndpoint withIgnored(Set<String> mediaTypes, Set<String> actions) {
    return new NotificationEndpoint(name, url, headers, timeout, threshold, backoff, mediaTypes,
        actions, disabled, cloudEvents);
  }

  public NotificationEndpoint withCloudEvents(boolean on) {
    return new NotificationEndpoint(name, url, headers, timeout, threshold, backoff,
        ignoredMediaTypes, ignoredActions, disabled, on);
  }

  /** Whether this endpoint takes {@code event}. */
  public boolean accepts(Event event) {
    return !disabled && !ignoredActions.contains(event.action())
        && (event.target().mediaType() == null
            || !ignoredMediaTypes.contains(event.target().mediaType()));
  }
}
