package dev.berth.registry.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads tag and catalog listings and follows their {@code Link: <...>; rel="next"} headers. */
public final class Listings {
  private Listings() {}

  /** The strings of a listing's array field ({@code tags} or {@code repositories}). */
  public static List<String> items(Response response, String field) {
    assertEquals(200, response.status(), response::toString);
    assertTrue(response.header("Content-Type").startsWith("application/json"),
        response::toString);
    List<String> items = new ArrayList<>();
    for (JsonElement e : response.json().getAsJsonArray(field)) {
      items.add(e.getAsString());
    }
    return items;
  }

  /**
   * Follows {@code Link} from {@code first} to the end and returns every page's items. Checks that
   * every page but the last holds exactly {@code n} items and carries a relative {@code Link} to
   * {@code path}, and that the last carries none.
   */
  public static List<List<String>> walk(RegistryClient client, String first, String field,
      String path, int n) {
    List<List<String>> pages = new ArrayList<>();
    String next = first;
    while (next != null) {
      Response page = client.get(next);
      List<String> items = items(page, field);
      pages.add(items);
      Optional<String> link = ApiAssertions.nextLink(page);
      if (link.isPresent()) {
        assertEquals(n, items.size(), () -> "a page followed by a Link has n items: " + page);
        assertTrue(link.get().startsWith(path + "?"), () -> "Link to " + path + ": " + link);
      } else {
        assertTrue(items.size() <= n, () -> "last page: " + page);
      }
      assertTrue(pages.size() < 1000, "the walk ends");
      next = link.orElse(null);
    }
    return pages;
  }

  /** All items of the pages, in order. */
  public static List<String> flatten(List<List<String>> pages) {
    List<String> all = new ArrayList<>();
    pages.forEach(all::addAll);
    return all;
  }
}
