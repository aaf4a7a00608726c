package dev.berth.registry.servlet.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real HTTP webhook receiver for tests (the JDK's HttpServer on 127.0.0.1): keeps every event
 * it was sent, in arrival order, with the request's content type and headers; can be stopped and
 * started again on the same port, as a receiver that goes down and comes back.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One delivery request. */
  public record Delivery(String contentType, Map<String, List<String>> headers, String body) {}

  private final List<JsonObject> events = new ArrayList<>();
  private final List<Delivery> deliveries = new ArrayList<>();
  private int port;
  private HttpServer server;

  private WebhookReceiver() {}

  /** A receiver on a free port. */
  public static WebhookReceiver start() {
    WebhookReceiver receiver = new WebhookReceiver();
    receiver.listen(0);
    return receiver;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port + "/events");
  }

  /** Stops listening: connections are refused until {@link #restart()}. */
  public synchronized void stop() {
    server.stop(0);
    server = null;
  }

  /** Listens again on the same port (retried for a while if the port is not free yet). */
  public void restart() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        listen(port);
        return;
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof BindException) || System.nanoTime() > deadline) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
      }
    }
  }

  private synchronized void listen(int at) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), at), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/events", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      record(new Delivery(exchange.getRequestHeaders().getFirst("Content-Type"),
          new LinkedHashMap<>(exchange.getRequestHeaders()), body));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    port = server.getAddress().getPort();
  }

  private synchronized void record(Delivery delivery) {
    deliveries.add(delivery);
    JsonElement json = JsonParser.parseString(delivery.body());
    JsonArray array = json.isJsonArray() ? json.getAsJsonArray()
        : json.getAsJsonObject().getAsJsonArray("events");
    array.forEach(e -> events.add(e.getAsJsonObject()));
    notifyAll();
  }

  /** Every event received so far, in arrival order (a CloudEvent as sent, with its data). */
  public synchronized List<JsonObject> events() {
    return List.copyOf(events);
  }

  public synchronized List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Waits until an event {@code matching} arrived; fails after {@code timeout}. */
  public JsonObject await(Predicate<JsonObject> matching, Duration timeout, String what) {
    List<JsonObject> found = awaitCount(matching, 1, timeout, what);
    return found.get(0);
  }

  /** Waits until {@code count} events {@code matching} arrived (duplicates included). */
  public synchronized List<JsonObject> awaitCount(Predicate<JsonObject> matching, int count,
      Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<JsonObject> found = events.stream().filter(matching).toList();
      long left = deadline - System.nanoTime();
      if (found.size() >= count) {
        return found;
      }
      if (left <= 0) {
        throw new AssertionError("waited " + timeout + " for " + count + " x " + what + "; got "
            + found.size() + " of " + events.size() + " events: " + events);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** A predicate on the event's action and target fields. */
  public static Predicate<JsonObject> event(String action, String repository, String digest) {
    return e -> e.get("action").getAsString().equals(action)
        && repository.equals(text(e.getAsJsonObject("target"), "repository"))
        && (digest == null || digest.equals(text(e.getAsJsonObject("target"), "digest")));
  }

  public static String text(JsonObject object, String field) {
    JsonElement value = object.get(field);
    return value == null || value.isJsonNull() ? null : value.getAsString();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      stop();
    }
  }
}
