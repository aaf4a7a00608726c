package dev.berth.junit5;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

/**
 * The wire-level view of one exchange: counts the body bytes read and sent, sees the status and
 * headers exactly as they are sent, edits them where a fault says so, cuts the connection after N
 * body bytes, and reports the exchange when Jetty completes it.
 */
final class TestStream extends HttpStream.Wrapper {

  /** What the stream saw, handed to the handler when the exchange ends. */
  static final class Outcome {
    int status;
    Map<String, List<String>> headers = Map.of();
    long bytesIn;
    long bytesOut;
    boolean completed;
    boolean cut;
    boolean finishing;
  }

  private final Outcome outcome = new Outcome();
  private final Faults.Plan plan;
  private final EndPoint endPoint;
  private final RequestJournal journal;
  private final Consumer<Outcome> done;
  private boolean reported;

  TestStream(HttpStream wrapped, Faults.Plan plan, EndPoint endPoint, RequestJournal journal,
      Consumer<Outcome> done) {
    super(wrapped);
    this.plan = plan;
    this.endPoint = endPoint;
    this.journal = journal;
    this.done = done;
  }

  @Override
  public Content.Chunk read() {
    Content.Chunk chunk = super.read();
    if (chunk != null && chunk.hasRemaining()) {
      synchronized (outcome) {
        outcome.bytesIn += chunk.remaining();
      }
    }
    return chunk;
  }

  @Override
  public void send(MetaData.Request request, MetaData.Response response, boolean last,
      ByteBuffer content, Callback callback) {
    MetaData.Response sent = response == null ? null : edit(response);
    int length = content == null ? 0 : content.remaining();
    boolean cut;
    synchronized (outcome) {
      if (sent != null) {
        outcome.status = sent.getStatus();
        outcome.headers = headers(sent.getHttpFields());
      }
      cut = plan.cutAfter() >= 0 && outcome.bytesOut + length > plan.cutAfter();
      if (cut) {
        int allowed = (int) (plan.cutAfter() - outcome.bytesOut);
        content = content.slice(content.position(), allowed);
        length = allowed;
        outcome.cut = true;
      }
      outcome.bytesOut += length;
      if (last && !cut && !outcome.cut && !outcome.finishing && !reported) {
        outcome.finishing = true;
        journal.finishing();
      }
    }
    if (!cut) {
      super.send(request, sent, last, content, callback);
      return;
    }
    // Send what the fault allows, then close: the client reads a body shorter than announced.
    // Recorded before the close, so that a client that sees the end finds it in the journal.
    super.send(request, sent, false, content, Callback.from(() -> {
      report(false);
      endPoint.close();
      callback.failed(new EofException("connection cut by a fault after " + plan.cutAfter()
          + " bytes"));
    }, x -> {
      report(false);
      callback.failed(x);
    }));
  }

  /** The answer's headers as a fault shapes them: a Warning added, OCI-Subject left out. */
  private MetaData.Response edit(MetaData.Response response) {
    if (plan.warnings().isEmpty() && !plan.stripSubject()) {
      return response;
    }
    HttpFields.Mutable fields = HttpFields.build(response.getHttpFields());
    if (plan.stripSubject()) {
      fields.remove("OCI-Subject");
    }
    plan.warnings().forEach(w -> fields.add("Warning", w));
    return new MetaData.Response(response.getStatus(), response.getReason(),
        response.getHttpVersion(), fields, response.getContentLength(),
        response.getTrailersSupplier());
  }

  static Map<String, List<String>> headers(HttpFields fields) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    if (fields != null) {
      for (HttpField f : fields) {
        map.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(f.getValue());
      }
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    return map;
  }

  @Override
  public void succeeded() {
    report(true);
    super.succeeded();
  }

  @Override
  public void failed(Throwable failure) {
    report(false);
    super.failed(failure);
  }

  private void report(boolean completed) {
    synchronized (outcome) {
      if (reported) {
        return;
      }
      reported = true;
      outcome.completed = completed && !outcome.cut;
    }
    done.accept(outcome);
  }
}
