package dev.berth.registry.servlet;

import dev.berth.registry.CacheOutcome;
import dev.berth.registry.oci.Digest;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request on its way to the {@link RequestObserver}: begun when the servlet routes it, ended
 * when its answer is complete: at the end of {@code service} for a request answered there, or
 * when the asynchronous context completes for one whose body was read without a thread
 * ({@link AsyncBody}), which is why {@link Exchange#startAsync()} registers this as a listener.
 */
final class Observation implements AsyncListener {

  private final RequestObserver observer;
  private final Instant time = Instant.now();
  private final long start = System.nanoTime();
  private final String route;
  private final HttpServletRequest request;
  private final String remoteAddress;
  private final AtomicBoolean ended = new AtomicBoolean();
  private Exchange ex;
  private volatile boolean async;
  /** What a pull-through cache did, taken on the request's thread when its service returned. */
  private volatile Optional<String> proxy = Optional.empty();

  private Observation(RequestObserver observer, String route, HttpServletRequest request,
      String remoteAddress) {
    this.observer = observer;
    this.route = route;
    this.request = request;
    this.remoteAddress = remoteAddress;
    CacheOutcome.clear();
    observer.started(route, request.getMethod());
  }

  /**
   * Begins observing a request for {@code route}; null when nothing observes.
   *
   * @param remoteAddress the client's address through trusted proxies
   */
  static Observation begin(RequestObserver observer, String route, HttpServletRequest request,
      String remoteAddress) {
    return observer == RequestObserver.NONE ? null
        : new Observation(observer, route, request, remoteAddress);
  }

  void exchange(Exchange exchange) {
    this.ex = exchange;
  }

  /** The request went asynchronous: it ends when its context completes. */
  void async() {
    async = true;
  }

  /** The servlet's {@code service} returned: the end, unless the request went asynchronous. */
  void serviceReturned() {
    proxy = CacheOutcome.take().map(CacheOutcome::label);
    if (!async) {
      end();
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    end();
  }

  @Override
  public void onTimeout(AsyncEvent event) {}

  @Override
  public void onError(AsyncEvent event) {}

  @Override
  public void onStartAsync(AsyncEvent event) {}

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    long duration = System.nanoTime() - start;
    Optional<String> user = ex == null ? Optional.empty() : ex.permit.user();
    if (user.isEmpty() && request.getUserPrincipal() != null) {
      user = Optional.ofNullable(request.getUserPrincipal().getName());
    }
    observer.completed(new RequestRecord(time, request.getMethod(), route, repository(),
        reference(), ex == null ? 0 : ex.response.getStatus(), ex == null ? 0 : ex.bytesIn,
        ex == null ? 0 : ex.bytesOut, duration, user, remoteAddress, proxy));
  }

  private Optional<String> repository() {
    if (ex == null || ex.match == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(ex.match.group("name"));
    } catch (RuntimeException malformed) {
      return Optional.ofNullable(ex.match.raw("name"));
    }
  }

  /**
   * The manifest reference or digest in the path; for an upload, the digest it declares. Never
   * the upload session id: whoever knows it may write to the session.
   */
  private Optional<String> reference() {
    if (ex == null || ex.match == null) {
      return Optional.empty();
    }
    String group = switch (ex.match.route()) {
      case MANIFEST -> "ref";
      case BLOB, REFERRERS, ORAS_REFERRERS, ORAS_MANIFEST -> "digest";
      default -> null;
    };
    try {
      if (group != null) {
        return Optional.ofNullable(ex.match.group(group));
      }
      String declared = ex.query("digest");
      return declared != null && Digest.tryParse(declared) != null ? Optional.of(declared)
          : Optional.empty();
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }
}
