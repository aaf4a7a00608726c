package dev.berth.registry.servlet;

import dev.berth.registry.Page;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RepositoryName;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code /v2/}, {@code /v2/<name>/tags/list} and {@code /v2/_catalog}. */
final class ListingHandlers {
  private final Registry registry;

  ListingHandlers(Registry registry) {
    this.registry = registry;
  }

  void base(Exchange ex) throws IOException {
    ex.sendJson(200, "{}");
  }

  /** Tags in lexical order; without {@code n}, all of them (the spec's default). */
  void tags(Exchange ex) throws IOException {
    RepositoryName repository = ex.repository();
    int max = registry.options().maxPageSize();
    int n = ex.pageSize(-1);
    int limit = n < 0 ? Integer.MAX_VALUE : Math.min(n, max);
    Page page = registry.tags().list(repository, emptyToNull(ex.query("last")), limit);
    page.next().ifPresent(last -> ex.linkNext(Paths.tags(repository) + "?n=" + limit + "&last="
        + encode(last)));
    ex.send(200, "application/json", ListingJson.object(repository.value(), "tags", page.items()));
  }

  /**
   * Repositories in lexical order; without {@code n}, the default page size. Only those the
   * caller's permit lists: a page still holds {@code n} of them when that many remain.
   */
  void catalog(Exchange ex) throws IOException {
    int max = registry.options().maxPageSize();
    int n = Math.min(ex.pageSize(registry.options().defaultCatalogPageSize()), max);
    Page page = registry.catalog(emptyToNull(ex.query("last")), n, ex.permit::lists);
    page.next().ifPresent(last -> ex.linkNext(Paths.catalog() + "?n=" + n + "&last="
        + encode(last)));
    ex.send(200, "application/json", ListingJson.object(null, "repositories", page.items()));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

}
