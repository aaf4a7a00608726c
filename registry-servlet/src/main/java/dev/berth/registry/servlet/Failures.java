package dev.berth.registry.servlet;

import dev.berth.registry.access.AccessDenied;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.storage.StorageFullException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one place that turns a failure into an answer: the spec's error envelope for what the client
 * must hear, a logged 500 with a generic message for anything unexpected, nothing for a client that
 * went away. A failure after the response was committed (a blob whose stored bytes end early)
 * cannot be answered: it is logged as the error it is and the connection is cut, so the client sees
 * a short body instead of a complete-looking one.
 */
final class Failures {
  /**
   * The logger, looked up when the first failure is logged: the first {@code System.getLogger}
   * sets up the platform's logging (java.util.logging, some 150 classes), which a registry that
   * has failed nothing yet need not pay for before its first answer.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(BerthServlet.class.getName());
  }

  /** Bodies of refused requests up to this size are read first, so the connection stays usable. */
  private static final long DRAIN_LIMIT = 1024 * 1024;

  /** A failure after the response began: the connection must be cut (the container does it). */
  static final class CutConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CutConnection(Throwable cause) {
      super(cause);
    }
  }

  void answer(Exchange ex, Throwable t) {
    if (ex.response.isCommitted()) {
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        Log.LOG.log(Level.DEBUG, () -> ex.method + " " + ex.request.getRequestURI()
            + ": the client went away: " + t);
        return;
      }
      Log.LOG.log(Level.ERROR, ex.method + " " + ex.request.getRequestURI()
          + " failed after its answer began; cutting the connection", t);
      throw new CutConnection(t);
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    RegistryException e = registryError(ex, t, headers);
    if (e == null) {
      return;
    }
    if (ex.closeConnection) {
      headers.put("Connection", "close");
      write(ex, e, headers);
    } else if (!ex.bodyStarted && ex.hasBody() && !ex.request.isAsyncStarted()) {
      drainThenWrite(ex, e, headers);
    } else {
      write(ex, e, headers);
    }
  }

  /** The envelope error for a failure, or null when there is nothing to answer. */
  private RegistryException registryError(Exchange ex, Throwable t, Map<String, String> headers) {
    if (t instanceof BlobHandlers.RangeNotSatisfiable r) {
      headers.put("Content-Range", "bytes */" + r.size);
      return r;
    }
    if (t instanceof RegistryException e) {
      if (e instanceof AccessDenied refusal) {
        // The controller that checked the credentials chose the challenge (RFC 9110 11.6.1).
        refusal.challenge().ifPresent(c -> headers.put("WWW-Authenticate", c));
      }
      if (e.httpStatus() == 405 && ex.match != null && !headers.containsKey("Allow")) {
        // A method the route has but the registry refuses (DELETE with deletes disabled): a 405
        // must still list what the resource allows (RFC 9110 15.5.6).
        TreeSet<String> allowed = new TreeSet<>(ex.match.route().methods());
        allowed.remove(ex.method);
        if (e.code() == ErrorCode.READ_ONLY) {
          // Read-only mode: what is left is what distribution's handlers keep, GET and HEAD.
          allowed.retainAll(BerthServlet.READ_METHODS);
        }
        headers.put("Allow", String.join(", ", allowed));
      }
      return e;
    }
    if (t instanceof StorageFullException full) {
      Log.LOG.log(Level.ERROR, ex.method + " " + ex.request.getRequestURI() + ": "
          + full.getMessage());
      return new RegistryException(ErrorCode.STORAGE_FULL, "the registry's storage is full; "
          + "nothing of this request was stored, and reads keep working");
    }
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      // Writing the answer failed: the client went away.
      Log.LOG.log(Level.DEBUG, () -> ex.method + " " + ex.request.getRequestURI() + ": " + t);
      return null;
    }
    Log.LOG.log(Level.ERROR, ex.method + " " + ex.request.getRequestURI() + " failed", t);
    return new RegistryException(ErrorCode.UNKNOWN,
        "internal error; the registry's log has the details");
  }

  /**
   * Reads (and drops) what is left of a refused request's body before answering, without holding a
   * thread while it arrives, so that the client can reuse the connection: a container that closes a
   * connection with unread bytes races a client that sends its next request on it. Bodies over
   * 1 MiB are not read; the answer closes the connection instead.
   */
  private void drainThenWrite(Exchange ex, RegistryException e, Map<String, String> headers) {
    long declared = ex.contentLength();
    if (declared < 0 || declared > DRAIN_LIMIT) {
      headers.put("Connection", "close");
      write(ex, e, headers);
      return;
    }
    AsyncContext async = ex.startAsync();
    try {
      ServletInputStream in = ex.request.getInputStream();
      in.setReadListener(new ReadListener() {
        private final byte[] buffer = new byte[16 * 1024];
        private boolean done;

        @Override
        public void onDataAvailable() throws IOException {
          int n;
          while (!done && in.isReady() && (n = in.read(buffer)) >= 0) {
            ex.bytesIn += n; // dropped
          }
        }

        @Override
        public void onAllDataRead() {
          finish(false);
        }

        @Override
        public void onError(Throwable t) {
          finish(true);
        }

        private void finish(boolean close) {
          if (done) {
            return;
          }
          done = true;
          if (close) {
            headers.put("Connection", "close");
          }
          try {
            write(ex, e, headers);
          } finally {
            async.complete();
          }
        }
      });
    } catch (IOException | IllegalStateException io) {
      headers.put("Connection", "close");
      write(ex, e, headers);
      async.complete();
    }
  }

  /** Replaces whatever a handler began with the error envelope and the given headers. */
  private static void write(Exchange ex, RegistryException e, Map<String, String> headers) {
    HttpServletRequest request = ex.request;
    HttpServletResponse response = ex.response;
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    BerthServlet.commonHeaders(response);
    headers.forEach(response::setHeader);
    try {
      ex.bytesOut += ErrorResponses.write(response, e, ex.isHead());
    } catch (IOException clientGone) {
      Log.LOG.log(Level.DEBUG, () -> request.getMethod() + " " + request.getRequestURI()
          + ": the client went away before the error was sent");
    }
  }
}
