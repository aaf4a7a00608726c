package dev.berth.junit5;

import dev.berth.registry.servlet.Route;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sits in front of the registry's servlet (installed with {@code BerthServer.Builder.wrap}): every
 * exchange is journaled, and the faults in force shape it. The servlet itself carries no test code.
 */
final class TestHandler extends Handler.Wrapper {

  private final RequestJournal journal;
  private final Faults faults;

  TestHandler(RequestJournal journal, Faults faults) {
    this.journal = journal;
    this.faults = faults;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long start = System.nanoTime();
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    Optional<Route.Target> target = Route.resolve(path);
    Optional<Route> route = target.map(Route.Target::route);
    Optional<String> repository = target.flatMap(Route.Target::repository);
    Faults.Plan plan = faults.plan(method, route, repository);
    Optional<String> query = Optional.ofNullable(request.getHttpURI().getQuery());
    var requestHeaders = TestStream.headers(request.getHeaders());
    request.addHttpStreamWrapper(stream -> new TestStream(stream, plan,
        request.getConnectionMetaData().getConnection().getEndPoint(), journal,
        outcome -> journal.record(new RecordedRequest(method, path, query, route, repository,
            outcome.status, requestHeaders, outcome.headers, outcome.bytesIn, outcome.bytesOut,
            Duration.ofNanos(System.nanoTime() - start), plan.description(), outcome.completed),
            outcome.finishing)));
    if (plan.delay().isZero()) {
      return answer(plan, request, response, callback);
    }
    // Hold the request without a thread, then let a pool thread carry on as if it had just come.
    request.getComponents().getScheduler().schedule(() -> request.getComponents().getExecutor()
        .execute(() -> {
          try {
            if (!answer(plan, request, response, callback)) {
              Response.writeError(request, response, callback, 404);
            }
          } catch (Throwable t) {
            callback.failed(t);
          }
        }), plan.delay().toMillis(), TimeUnit.MILLISECONDS);
    return true;
  }

  private boolean answer(Faults.Plan plan, Request request, Response response, Callback callback)
      throws Exception {
    if (plan.answer() != null) {
      Fault f = plan.answer();
      if (f.retryAfter != null) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(
            Math.max(0, f.retryAfter.toSeconds())));
      }
      send(request, response, callback, f.status, code(f.status),
          "fault injected by the test: " + f);
      return true;
    }
    if (plan.notFound()) {
      // What a registry without the referrers API answers (distribution's registry:2: a 404 for an
      // unknown route); clients then use the sha256-<hex> tag schema.
      send(request, response, callback, 404, "UNSUPPORTED",
          "the referrers API is switched off by the test");
      return true;
    }
    return super.handle(request, response, callback);
  }

  /** The spec's envelope, as the registry would send it. */
  private static void send(Request request, Response response, Callback callback, int status,
      String code, String message) {
    String json = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"detail\":{}}]}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
    boolean head = "HEAD".equals(request.getMethod());
    response.write(true, head ? null : ByteBuffer.wrap(body), callback);
  }

  /** The error code the spec pairs with a status. */
  private static String code(int status) {
    return switch (status) {
      case 401 -> "UNAUTHORIZED";
      case 403 -> "DENIED";
      case 404 -> "NAME_UNKNOWN";
      case 405 -> "UNSUPPORTED";
      case 416 -> "RANGE_INVALID";
      case 429 -> "TOOMANYREQUESTS";
      case 503 -> "UNAVAILABLE";
      default -> status >= 500 ? "UNKNOWN" : "UNSUPPORTED";
    };
  }
}
