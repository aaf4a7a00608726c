package dev.berth.junit5;

import dev.berth.registry.servlet.Route;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One exchange the registry served, as the wire saw it: recorded when the response was complete
 * (or the connection was cut).
 *
 * @param method the request method
 * @param path the request path, still percent-encoded, without the query
 * @param query the raw query string, or empty
 * @param route the route the path goes to, empty for a path no route takes
 * @param repository the repository named in the path, as written
 * @param status the status sent, or 0 when the exchange ended before a response began
 * @param requestHeaders the request's headers (names in lower case)
 * @param responseHeaders the headers sent (names in lower case)
 * @param bytesIn body bytes read from the request
 * @param bytesOut body bytes written to the response
 * @param duration from the request's arrival to the end of the response
 * @param fault the fault that shaped this answer ({@link Fault#toString()}), empty for none
 * @param completed false when the exchange failed (the connection was cut, the client went away)
 */
public record RecordedRequest(String method, String path, Optional<String> query,
    Optional<Route> route, Optional<String> repository, int status,
    Map<String, List<String>> requestHeaders, Map<String, List<String>> responseHeaders,
    long bytesIn, long bytesOut, Duration duration, Optional<String> fault, boolean completed) {

  public RecordedRequest {
    requestHeaders = Map.copyOf(requestHeaders);
    responseHeaders = Map.copyOf(responseHeaders);
  }

  /** The first value of a request header, by name in any case. */
  public Optional<String> requestHeader(String name) {
    return first(requestHeaders, name);
  }

  /** The first value of a response header, by name in any case. */
  public Optional<String> responseHeader(String name) {
    return first(responseHeaders, name);
  }

  /** Whether the registry answered with a 5xx status. */
  public boolean isServerError() {
    return status >= 500;
  }

  /** Whether a fault (not the registry) shaped this answer. */
  public boolean injected() {
    return fault.isPresent();
  }

  private static Optional<String> first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** {@code PUT /v2/app/manifests/v1 -> 201 (312 B in, 0 B out)}, as failure messages show it. */
  @Override
  public String toString() {
    return method + " " + path + query.map(q -> "?" + q).orElse("") + " -> "
        + (status == 0 ? "no answer" : status) + (completed ? "" : " (cut)")
        + " (" + bytesIn + " B in, " + bytesOut + " B out"
        + fault.map(f -> "; fault: " + f).orElse("") + ")";
  }
}
