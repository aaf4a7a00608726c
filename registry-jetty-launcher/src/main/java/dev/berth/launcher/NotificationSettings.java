package dev.berth.launcher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.events.Event;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.servlet.config.ValueType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code notifications.endpoints}: distribution's list of webhook receivers, checked member by
 * member before anything is bound, each problem named by its key path
 * ({@code notifications.endpoints[0].url}, counted from 0). docs/design/webhooks.md.
 */
final class NotificationSettings {
  private NotificationSettings() {}

  private static final String KEY = "notifications.endpoints";
  private static final Set<String> MEMBERS = Set.of("name", "url", "headers", "timeout",
      "threshold", "backoff", "ignoredmediatypes", "ignore", "disabled", "format");
  private static final Set<String> ACTIONS = Set.of(Event.PUSH, Event.PULL, Event.MOUNT,
      Event.DELETE);

  /** The endpoints the settings name (empty for none); what is wrong is added to problems. */
  static List<NotificationEndpoint> read(Settings settings, List<Settings.Problem> problems) {
    String list = settings.get(KEY).trim();
    if (list.isEmpty()) {
      return List.of();
    }
    JsonArray array = JsonParser.parseString(list).getAsJsonArray(); // its type checked it
    String source = settings.source(KEY);
    List<NotificationEndpoint> endpoints = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String path = KEY + "[" + i + "]";
      NotificationEndpoint e = endpoint(array.get(i).getAsJsonObject(), path, source, problems);
      if (e != null && !names.add(e.name())) {
        problems.add(new Settings.Problem(path + ".name", e.name(), source,
            "two endpoints have this name (it names the endpoint's outbox)"));
      } else if (e != null) {
        endpoints.add(e);
      }
    }
    return endpoints;
  }

  private static NotificationEndpoint endpoint(JsonObject entry, String path, String source,
      List<Settings.Problem> problems) {
    int before = problems.size();
    Checker c = new Checker(entry, path, source, problems);
    for (String member : entry.keySet()) {
      if (!MEMBERS.contains(member)) {
        c.problem(member, null, "unknown; an endpoint has " + String.join(", ",
            new java.util.TreeSet<>(MEMBERS)));
      }
    }
    String name = ProxySettings.text(entry, "name");
    if (name == null || !NotificationEndpoint.NAME.matcher(name).matches()) {
      c.problem("name", name, name == null ? "required" : "letters, digits, '.', '_' and '-'"
          + " only, at most 64 (it names a folder in the storage and a metrics label)");
    }
    String url = ProxySettings.text(entry, "url");
    if (url == null || url.isBlank()) {
      c.problem("url", null, "required");
    } else {
      ValueType.URL_WITH_PATH.problem(url, 0).ifPresent(reason -> c.problem("url", url, reason));
    }
    Duration timeout = c.duration("timeout", Duration.ofSeconds(1));
    Duration backoff = c.duration("backoff", Duration.ofSeconds(1));
    int threshold = c.integer("threshold", 10);
    Set<String> mediaTypes = new HashSet<>(c.strings("ignoredmediatypes", entry));
    Set<String> actions = new HashSet<>();
    JsonElement ignore = entry.get("ignore");
    if (ignore != null && !ignore.isJsonObject()) {
      c.problem("ignore", ignore.toString(), "a map of mediatypes and actions");
    } else if (ignore != null) {
      mediaTypes.addAll(c.strings("ignore.mediatypes", ignore.getAsJsonObject()));
      actions.addAll(c.strings("ignore.actions", ignore.getAsJsonObject()));
      for (String action : actions) {
        if (!ACTIONS.contains(action)) {
          c.problem("ignore.actions", action, "not an action; one of push, pull, mount, delete");
        }
      }
    }
    String format = ProxySettings.text(entry, "format");
    if (format != null && !format.equals("cloudevents") && !format.equals("envelope")) {
      c.problem("format", format, "envelope (distribution's, the default) or cloudevents");
    }
    String disabled = ProxySettings.text(entry, "disabled");
    if (disabled != null && !disabled.equals("true") && !disabled.equals("false")) {
      c.problem("disabled", disabled, "true or false");
    }
    Map<String, List<String>> headers = c.headers();
    if (problems.size() > before) {
      return null;
    }
    return new NotificationEndpoint(name, URI.create(url), headers, timeout, threshold, backoff,
        mediaTypes, actions, "true".equals(disabled), "cloudevents".equals(format));
  }

  /** Reads one endpoint's members, adding a problem named by its key path for each bad one. */
  private record Checker(JsonObject entry, String path, String source,
      List<Settings.Problem> problems) {

    void problem(String member, String value, String reason) {
      problems.add(new Settings.Problem(path + "." + member, value, source, reason));
    }

    Duration duration(String member, Duration otherwise) {
      String text = ProxySettings.text(entry, member);
      if (text == null) {
        return otherwise;
      }
      try {
        Duration d = Settings.parseDuration(text, path + "." + member);
        if (!d.isZero()) {
          return d;
        }
      } catch (IllegalArgumentException e) {
        // Reported below.
      }
      problem(member, text, "a positive duration (e.g. 500ms, 1s, 2m)");
      return otherwise;
    }

    int integer(String member, int otherwise) {
      String text = ProxySettings.text(entry, member);
      if (text == null) {
        return otherwise;
      }
      try {
        int n = Integer.parseInt(text.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      problem(member, text, "a whole number of at least 1");
      return otherwise;
    }

    /** A list of strings at {@code member} of {@code in} (a dotted member names the path). */
    List<String> strings(String member, JsonObject in) {
      JsonElement value = in.get(member.substring(member.lastIndexOf('.') + 1));
      if (value == null || value.isJsonNull()) {
        return List.of();
      }
      List<String> values = new ArrayList<>();
      if (value.isJsonArray()) {
        value.getAsJsonArray().forEach(v -> values.add(v.isJsonPrimitive() ? v.getAsString()
            : null));
      }
      if (!value.isJsonArray() || values.contains(null)) {
        problem(member, value.toString(), "a list of strings");
        return List.of();
      }
      return values;
    }

    /** distribution's headers: each name to a list of values (a single value is taken too). */
    Map<String, List<String>> headers() {
      JsonElement value = entry.get("headers");
      Map<String, List<String>> headers = new LinkedHashMap<>();
      if (value == null || value.isJsonNull()) {
        return headers;
      }
      if (!value.isJsonObject()) {
        problem("headers", null, "a map of header names to lists of values");
        return headers;
      }
      for (Map.Entry<String, JsonElement> h : value.getAsJsonObject().entrySet()) {
        if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
          problem("headers", h.getKey(), "not a header name");
        } else if (h.getValue().isJsonPrimitive()) {
          headers.put(h.getKey(), List.of(h.getValue().getAsString()));
        } else {
          headers.put(h.getKey(), strings("headers." + h.getKey(), value.getAsJsonObject()));
        }
      }
      return headers;
    }
  }
}
