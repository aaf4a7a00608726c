package dev.berth.registry.proxy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subject's referrers upstream: {@code GET /v2/<name>/referrers/<digest>}, every page (the
 * {@code Link: <...>; rel="next"} header); an upstream without the API answers that route with
 * 404 (registry:2 2.8: "404 page not found"), and then the fallback tag {@code <alg>-<hex>}
 * (distribution-spec §2.7) holds an index of them, or is missing when there are none.
 */
final class UpstreamReferrers {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  /** At most this many pages are followed (a loop in an upstream's links ends here). */
  private static final int MAX_PAGES = 50;

  private final UpstreamClient client;
  private final RepositoryName repository;
  private final String scope;

  UpstreamReferrers(UpstreamClient client, RepositoryName repository, String scope) {
    this.client = client;
    this.repository = repository;
    this.scope = scope;
  }

  List<Descriptor> list(Digest subject) {
    Map<Digest, Descriptor> all = new LinkedHashMap<>();
    String path = "v2/" + repository + "/referrers/" + subject;
    for (int page = 0; page < MAX_PAGES && path != null; page++) {
      HttpResponse<byte[]> r = client.send("GET", path, scope, MediaTypes.OCI_INDEX,
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 404 && page == 0) {
        return fallbackTag(subject);
      }
      HttpUpstream.require(r, "GET", path);
      entries(r.body(), path).forEach(d -> all.put(d.digest(), d));
      path = next(r).orElse(null);
    }
    return List.copyOf(all.values());
  }

  private List<Descriptor> fallbackTag(Digest subject) {
    String path = "v2/" + repository + "/manifests/" + subject.fallbackTag();
    HttpResponse<byte[]> r = client.send("GET", path, scope,
        MediaTypes.OCI_INDEX + ", " + HttpUpstream.MANIFEST_ACCEPT,
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      return List.of();
    }
    HttpUpstream.require(r, "GET", path);
    return entries(r.body(), path);
  }

  /** The descriptors of an index's {@code manifests}; an entry that does not read is skipped. */
  private static List<Descriptor> entries(byte[] body, String path) {
    JsonArray manifests;
    try {
      JsonObject index = JsonParser.parseString(new String(body, StandardCharsets.UTF_8))
          .getAsJsonObject();
      manifests = index.has("manifests") && index.get("manifests").isJsonArray()
          ? index.getAsJsonArray("manifests") : new JsonArray();
    } catch (JsonParseException | IllegalStateException e) {
      throw new UpstreamUnavailableException(path + " is not an image index: " + e.getMessage(),
          e);
    }
    List<Descriptor> out = new ArrayList<>();
    int i = 0;
    for (JsonElement e : manifests) {
      String where = path + " manifests[" + i++ + "]";
      if (e.isJsonObject()) {
        try {
          out.add(DescriptorJson.read(e.getAsJsonObject(), where));
        } catch (RegistryException skipped) {
          // Not a descriptor: not a referrer anyone can fetch.
        }
      }
    }
    return out;
  }

  /** The next page's path, relative to the upstream's base when the link is absolute there. */
  private Optional<String> next(HttpResponse<?> r) {
    for (String link : r.headers().allValues("Link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        String target = m.group(1);
        String base = client.base().toString();
        if (target.startsWith(base)) {
          return Optional.of(target.substring(base.length()));
        }
        return Optional.of(target.startsWith("/") ? target.substring(1) : target);
      }
    }
    return Optional.empty();
  }
}
