package dev.berth.junit5;

import dev.berth.registry.servlet.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which recorded requests to count or verify: {@code RequestPattern.put(Route.MANIFEST)
 * .repository("app").status(201)}. Immutable; each method returns a narrower pattern.
 */
public final class RequestPattern implements Predicate<RecordedRequest> {

  private final List<Predicate<RecordedRequest>> tests;
  private final List<String> description;

  private RequestPattern(List<Predicate<RecordedRequest>> tests, List<String> description) {
    this.tests = List.copyOf(tests);
    this.description = List.copyOf(description);
  }

  /** Every request. */
  public static RequestPattern any() {
    return new RequestPattern(List.of(), List.of());
  }

  /** Requests to a route, whatever their method. */
  public static RequestPattern route(Route route) {
    return any().onRoute(route);
  }

  /** Requests with a method, on any route ({@code "GET"}, {@code "PUT"}, ...). */
  public static RequestPattern method(String method) {
    return any().withMethod(method);
  }

  public static RequestPattern get(Route route) {
    return method("GET").onRoute(route);
  }

  public static RequestPattern head(Route route) {
    return method("HEAD").onRoute(route);
  }

  public static RequestPattern put(Route route) {
    return method("PUT").onRoute(route);
  }

  public static RequestPattern post(Route route) {
    return method("POST").onRoute(route);
  }

  public static RequestPattern patch(Route route) {
    return method("PATCH").onRoute(route);
  }

  public static RequestPattern delete(Route route) {
    return method("DELETE").onRoute(route);
  }

  /** Also on this route. */
  public RequestPattern onRoute(Route route) {
    Objects.requireNonNull(route, "route");
    return and(r -> r.route().orElse(null) == route, "on " + route);
  }

  /** Also with this method. */
  public RequestPattern withMethod(String method) {
    String m = method.toUpperCase(Locale.ROOT);
    return and(r -> r.method().equals(m), m);
  }

  /** Also naming this repository in the path. */
  public RequestPattern repository(String repository) {
    Objects.requireNonNull(repository, "repository");
    return and(r -> r.repository().filter(repository::equals).isPresent(),
        "in " + repository);
  }

  /** Also answered with this status. */
  public RequestPattern status(int status) {
    return and(r -> r.status() == status, "answered " + status);
  }

  /** Also with exactly this (percent-encoded) path. */
  public RequestPattern path(String path) {
    Objects.requireNonNull(path, "path");
    return and(r -> r.path().equals(path), "at " + path);
  }

  /** Also carrying this request header with this value. */
  public RequestPattern requestHeader(String name, String value) {
    return and(r -> r.requestHeader(name).filter(value::equals).isPresent(),
        "with " + name + ": " + value);
  }

  /** Also passing a test of your own, described for failure messages. */
  public RequestPattern where(String description, Predicate<RecordedRequest> test) {
    return and(Objects.requireNonNull(test, "test"), description);
  }

  private RequestPattern and(Predicate<RecordedRequest> test, String what) {
    List<Predicate<RecordedRequest>> t = new ArrayList<>(tests);
    t.add(test);
    List<String> d = new ArrayList<>(description);
    d.add(what);
    return new RequestPattern(t, d);
  }

  @Override
  public boolean test(RecordedRequest request) {
    for (Predicate<RecordedRequest> t : tests) {
      if (!t.test(request)) {
        return false;
      }
    }
    return true;
  }

  /** {@code PUT on MANIFEST in app answered 201}; {@code any request} when unrestricted. */
  @Override
  public String toString() {
    return description.isEmpty() ? "any request" : String.join(" ", description);
  }
}
