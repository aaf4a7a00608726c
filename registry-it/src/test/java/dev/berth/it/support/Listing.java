package dev.berth.it.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whole listings, page after page through {@code Link: <...>; rel="next"} (SPEC §2.5, §2.6). */
public final class Listing {

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final int MAX_PAGES = 1000;

  private Listing() {}

  /**
   * Every tag of a repository, in the served order; empty for a repository that does not exist
   * (404 {@code NAME_UNKNOWN}), null when a page fails otherwise.
   */
  public static List<String> tags(RegistryClient client, String repo) {
    List<String> tags = new ArrayList<>();
    String next = "/v2/" + repo + "/tags/list?n=1000";
    for (int page = 0; next != null && page < MAX_PAGES; page++) {
      Response r = client.get(next);
      if (r.status() == 404 && page == 0) {
        return tags;
      }
      if (r.status() != 200) {
        return null;
      }
      JsonArray array = r.json().getAsJsonArray("tags");
      if (array != null) {
        array.forEach(t -> tags.add(t.getAsString()));
      }
      next = next(r);
    }
    return tags;
  }

  /** Every entry of {@code GET /v2/<repo>/referrers/<subject>}; null when a page fails. */
  public static List<JsonObject> referrers(RegistryClient client, String repo, Digest subject) {
    List<JsonObject> entries = new ArrayList<>();
    String next = "/v2/" + repo + "/referrers/" + subject + "?n=1000";
    for (int page = 0; next != null && page < MAX_PAGES; page++) {
      Response r = client.get(next);
      if (r.status() != 200) {
        return null;
      }
      JsonArray array = r.json().getAsJsonArray("manifests");
      if (array != null) {
        array.forEach(e -> entries.add(e.getAsJsonObject()));
      }
      next = next(r);
    }
    return entries;
  }

  private static String next(Response r) {
    String link = r.header("Link");
    if (link == null) {
      return null;
    }
    Matcher m = NEXT.matcher(link);
    return m.find() ? m.group(1) : null;
  }
}
