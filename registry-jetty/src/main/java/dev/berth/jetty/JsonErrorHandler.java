package dev.berth.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers in the spec's envelope. Requests that Jetty refuses before the servlet
 * sees them (a malformed request line, bytes that are not UTF-8, headers over the limit, broken
 * chunked framing) would otherwise get an HTML page or an empty body; every error the launcher
 * sends is {@code {"errors":[{"code","message","detail"}]}} instead.
 */
final class JsonErrorHandler extends ErrorHandler {

  /** What the connector lets the request line and headers take, for the message of a 414 or 431. */
  private final int headerLimit;

  JsonErrorHandler(int headerLimit) {
    this.headerLimit = headerLimit;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (status < 400) {
      status = 500;
      response.setStatus(status);
    }
    String reason = HttpStatus.getMessage(status);
    String why = why(request, status, reason);
    String text = "the HTTP server refused the request: " + status + " " + reason
        + (why == null ? "" : " (" + why + ")");
    String json = "{\"errors\":[{\"code\":\"" + code(status) + "\",\"message\":" + quote(text)
        + ",\"detail\":{}}]}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }

  /**
   * Why Jetty refused, when it says more than the status: the limit for a request too large to
   * parse; else its message; else, for a 4xx, the message of the failure it raised ("Illegal
   * character in path" for {@code %00}, which Jetty refuses in any path before a handler runs). A
   * 5xx keeps its cause to the log.
   */
  private String why(Request request, int status, String reason) {
    if (status == HttpStatus.URI_TOO_LONG_414
        || status == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431) {
      return "the request line and headers may take " + headerLimit + " bytes at most";
    }
    Object message = request.getAttribute(ERROR_MESSAGE);
    if (message != null && !message.toString().isBlank() && !message.toString().equals(reason)) {
      return message.toString();
    }
    if (status < 500 && request.getAttribute(ERROR_EXCEPTION) instanceof Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        String text = t.getMessage();
        // Jetty's own exceptions say "431: null" when they carry no reason of their own.
        if (text != null && !text.isBlank() && !text.equals(reason)
            && !text.equals(status + ": " + reason) && !text.equals(status + ": null")) {
          return text;
        }
      }
    }
    return null;
  }

  /** The envelope code for a status Jetty chose: the spec's where one fits. */
  private static String code(int status) {
    return switch (status) {
      case 401 -> "UNAUTHORIZED";
      case 403 -> "DENIED";
      case 413 -> "SIZE_INVALID";
      case 429 -> "TOOMANYREQUESTS";
      case 503 -> "UNAVAILABLE";
      default -> status >= 500 ? "UNKNOWN" : "UNSUPPORTED";
    };
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == '<' || c == '>') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
