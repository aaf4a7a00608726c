package dev.berth.launcher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.proxy.UpstreamOptions;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.upstream.CachePolicy;
import dev.berth.registry.servlet.config.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code proxy.*} settings as {@link ProxyOptions} (docs/proxy.md): registry:2's one
 * {@code proxy.remoteUrl}, or the list {@code proxy.upstreams}, checked member by member before
 * anything is bound, each problem named by its key path ({@code proxy.upstreams[1].url}, counted
 * from 0). A password is never part of a message.
 */
final class ProxySettings {
  private ProxySettings() {}

  private static final Set<String> MEMBERS = Set.of("url", "prefix", "username", "password", "ca",
      "ttl");

  /**
   * The cache the settings describe, or null when they describe none; what is wrong is added to
   * {@code problems} (then the result is null).
   */
  static ProxyOptions read(Settings settings, List<Settings.Problem> problems) {
    int before = problems.size();
    String remote = settings.get("proxy.remoteUrl").trim();
    String list = settings.get("proxy.upstreams").trim();
    List<UpstreamOptions> upstreams = new ArrayList<>();
    if (!remote.isEmpty() && !list.isEmpty()) {
      problems.add(settings.problem("proxy.upstreams", "give proxy.remoteUrl (one upstream) or"
          + " proxy.upstreams, not both"));
    } else if (!remote.isEmpty()) {
      String user = settings.get("proxy.username");
      boolean secret = !settings.get("proxy.password").isEmpty();
      if (user.isEmpty() == secret) {
        problems.add(settings.problem(user.isEmpty() ? "proxy.password" : "proxy.username",
            "give both proxy.username and proxy.password, or neither"));
      } else {
        upstreams.add(new UpstreamOptions(URI.create(remote), null, user.isEmpty() ? null : user,
            secret ? settings.get("proxy.password") : null, null, settings.duration("proxy.ttl")));
      }
    } else if (!list.isEmpty()) {
      JsonArray array = JsonParser.parseString(list).getAsJsonArray(); // its type checked it
      String source = settings.source("proxy.upstreams");
      for (int i = 0; i < array.size(); i++) {
        UpstreamOptions u = upstream(array.get(i).getAsJsonObject(), "proxy.upstreams[" + i + "]",
            source, problems);
        if (u != null) {
          upstreams.add(u);
        }
      }
      if (array.isEmpty()) {
        problems.add(settings.problem("proxy.upstreams", "an empty list: no upstream"));
      }
    }
    if (upstreams.isEmpty()) {
      for (String key : List.of("proxy.acceptPushes", "proxy.maxAge", "proxy.maxBytes")) {
        if (!settings.source(key).equals(Settings.DEFAULT) && problems.size() == before
            && !isDefault(settings, key)) {
          problems.add(settings.problem(key, "needs proxy.remoteUrl or proxy.upstreams"));
        }
      }
      return null;
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      ProxyOptions options = new ProxyOptions(upstreams, CachePolicy.DEFAULT)
          .withAcceptPushes(settings.bool("proxy.acceptPushes"))
          .withMaxBytes(settings.bytes("proxy.maxBytes"));
      Duration age = settings.duration("proxy.maxAge");
      return age.isZero() ? options : options.withMaxAge(age);
    } catch (IllegalArgumentException e) {
      // Two upstreams without a prefix, or with the same one.
      problems.add(settings.problem("proxy.upstreams", e.getMessage()));
      return null;
    }
  }

  private static boolean isDefault(Settings settings, String key) {
    return Settings.key(key).orElseThrow().defaultValue().equals(settings.get(key).trim());
  }

  /** One entry of {@code proxy.upstreams}, or null after adding its problems. */
  private static UpstreamOptions upstream(JsonObject entry, String path, String source,
      List<Settings.Problem> problems) {
    int before = problems.size();
    for (String member : entry.keySet()) {
      if (!MEMBERS.contains(member)) {
        problems.add(new Settings.Problem(path + "." + member, null, source,
            "unknown; an upstream has url, prefix, username, password, ca, ttl"));
      }
    }
    String url = text(entry, "url");
    if (url == null || url.isBlank()) {
      problems.add(new Settings.Problem(path + ".url", null, source, "required"));
    } else {
      ValueType.URL.problem(url, 0).ifPresent(reason -> problems.add(
          new Settings.Problem(path + ".url", url, source, reason)));
    }
    String username = text(entry, "username");
    String password = text(entry, "password");
    if ((username == null) != (password == null)) {
      problems.add(new Settings.Problem(path + (username == null ? ".password" : ".username"),
          null, source, "give both username and password, or neither"));
    }
    Duration ttl = UpstreamOptions.DEFAULT_TTL;
    String ttlText = text(entry, "ttl");
    if (ttlText != null) {
      try {
        ttl = Settings.parseDuration(ttlText, path + ".ttl");
      } catch (IllegalArgumentException e) {
        problems.add(new Settings.Problem(path + ".ttl", ttlText, source,
            "not a duration (use e.g. 30m, 24h, 7d)"));
      }
    }
    String ca = text(entry, "ca");
    if (ca != null) {
      caProblem(Path.of(ca)).ifPresent(reason -> problems.add(
          new Settings.Problem(path + ".ca", ca, source, reason)));
    }
    if (problems.size() > before) {
      return null;
    }
    return new UpstreamOptions(URI.create(url.trim()), text(entry, "prefix"), username, password,
        ca == null ? null : Path.of(ca), ttl);
  }

  /** Why a CA bundle cannot be used: unreadable, or no certificate in it. */
  private static java.util.Optional<String> caProblem(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        return java.util.Optional.of("no certificate in it (a PEM file of CA certificates)");
      }
      return java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.of("cannot read it: " + OsReasons.of(e));
    } catch (GeneralSecurityException e) {
      return java.util.Optional.of("not a PEM file of certificates: " + e.getMessage());
    }
  }

  /** A member as text (a YAML number or boolean as written), or null when absent or null. */
  static String text(JsonObject entry, String member) {
    JsonElement e = entry.get(member);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    return e.isJsonPrimitive() ? e.getAsString() : e.toString();
  }
}
