package dev.berth.registry.events;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Events as distribution writes them: its field names ({@code mediaType}, {@code instanceID},
 * {@code useragent}...), and the two wire forms a receiver may ask for.
 */
public final class EventJson {
  /** distribution's envelope: {@code {"events":[...]}}. */
  public static final String ENVELOPE = "application/vnd.docker.distribution.events.v2+json";
  /** CloudEvents 1.0, structured batch mode: a JSON array of events. */
  public static final String CLOUD_EVENTS_BATCH = "application/cloudevents-batch+json";

  private EventJson() {}

  public static JsonObject toJson(Event e) {
    JsonObject json = new JsonObject();
    json.addProperty("id", e.id());
    json.addProperty("timestamp", e.timestamp().toString());
    json.addProperty("action", e.action());
    Event.Target t = e.target();
    JsonObject target = new JsonObject();
    target.addProperty("mediaType", t.mediaType());
    if (t.size() != null) {
      target.addProperty("size", t.size());
      target.addProperty("length", t.size());
    }
    target.addProperty("digest", t.digest());
    target.addProperty("repository", t.repository());
    target.addProperty("url", t.url());
    target.addProperty("tag", t.tag());
    target.addProperty("fromRepository", t.fromRepository());
    target.addProperty("subject", t.subject());
    target.addProperty("artifactType", t.artifactType());
    json.add("target", target);
    if (e.request() != null) {
      Event.RequestInfo r = e.request();
      JsonObject request = new JsonObject();
      request.addProperty("id", r.id());
      request.addProperty("addr", r.addr());
      request.addProperty("host", r.host());
      request.addProperty("method", r.method());
      request.addProperty("useragent", r.useragent());
      json.add("request", request);
    }
    JsonObject actor = new JsonObject();
    actor.addProperty("name", e.actor());
    json.add("actor", actor);
    if (e.source() != null) {
      JsonObject source = new JsonObject();
      source.addProperty("addr", e.source().addr());
      source.addProperty("instanceID", e.source().instanceID());
      json.add("source", source);
    }
    return json;
  }

  /** The stored form of an event (one outbox object). */
  public static byte[] bytes(Event e) {
    return toJson(e).toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The body of one delivery of stored events, in the endpoint's format.
   *
   * @param events each as {@link #bytes} wrote it
   */
  public static String body(List<byte[]> events, boolean cloudEvents) {
    JsonArray array = new JsonArray();
    for (byte[] stored : events) {
      JsonObject event = JsonParser.parseString(new String(stored, StandardCharsets.UTF_8))
          .getAsJsonObject();
      array.add(cloudEvents ? cloudEvent(event) : event);
    }
    if (cloudEvents) {
      return array.toString();
    }
    JsonObject envelope = new JsonObject();
    envelope.add("events", array);
    return envelope.toString();
  }

  /** One event as a CloudEvent: the distribution event is its {@code data}. */
  private static JsonObject cloudEvent(JsonObject event) {
    JsonObject ce = new JsonObject();
    ce.addProperty("specversion", "1.0");
    ce.addProperty("id", event.get("id").getAsString());
    JsonElement source = event.get("source");
    String instance = source != null && source.getAsJsonObject().has("instanceID")
        ? source.getAsJsonObject().get("instanceID").getAsString() : "unknown";
    ce.addProperty("source", "berth/" + instance);
    ce.addProperty("type", "dev.berth.registry." + event.get("action").getAsString());
    JsonElement repository = event.getAsJsonObject("target").get("repository");
    if (repository != null) {
      ce.addProperty("subject", repository.getAsString());
    }
    ce.addProperty("time", Instant.parse(event.get("timestamp").getAsString()).toString());
    ce.addProperty("datacontenttype", "application/json");
    ce.add("data", event);
    return ce;
  }
}
