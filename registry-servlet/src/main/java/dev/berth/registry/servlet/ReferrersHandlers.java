package dev.berth.registry.servlet;

import com.google.gson.stream.JsonWriter;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.referrers.ReferrersPage;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The two views of the referrers index: OCI 1.1's {@code /v2/<name>/referrers/<digest>} (an image
 * index) and the ORAS draft.1 route {@code /oras/artifacts/v1/<name>/manifests/<digest>/referrers}
 * ({@code {"references":[...]}}). Both page by an opaque {@code cursor} and a {@code Link} header.
 */
final class ReferrersHandlers {
  private final Registry registry;

  ReferrersHandlers(Registry registry) {
    this.registry = registry;
  }

  void oci(Exchange ex) throws IOException {
    Query q = query(ex);
    StringWriter text = new StringWriter();
    try (JsonWriter out = new JsonWriter(text)) {
      out.setHtmlSafe(false);
      out.beginObject();
      out.name("schemaVersion").value(2);
      out.name("mediaType").value(MediaTypes.OCI_INDEX);
      out.name("manifests").beginArray();
      for (Descriptor d : q.page.referrers()) {
        DescriptorJson.write(out, d);
      }
      out.endArray();
      out.endObject();
    }
    if (q.artifactType != null) {
      ex.header("OCI-Filters-Applied", "artifactType");
    }
    link(ex, Paths.referrers(q.repository, q.subject), q);
    ex.send(200, MediaTypes.OCI_INDEX, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  void oras(Exchange ex) throws IOException {
    Query q = query(ex);
    StringWriter text = new StringWriter();
    try (JsonWriter out = new JsonWriter(text)) {
      out.setHtmlSafe(false);
      out.beginObject();
      out.name("references").beginArray();
      for (Descriptor d : q.page.referrers()) {
        out.beginObject();
        out.name("digest").value(d.digest().toString());
        out.name("mediaType").value(d.mediaType());
        if (d.artifactType() != null) {
          out.name("artifactType").value(d.artifactType());
        }
        out.name("size").value(d.size());
        out.endObject();
      }
      out.endArray();
      out.endObject();
    }
    link(ex, Paths.orasReferrers(q.repository, q.subject), q);
    ex.send(200, "application/json", text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private record Query(RepositoryName repository, Digest subject, String artifactType, int n,
      ReferrersPage page) {}

  private Query query(Exchange ex) {
    RepositoryName repository = ex.repository();
    Digest subject = Digest.parse(ex.path("digest"));
    String artifactType = ex.query("artifactType");
    if (artifactType != null && artifactType.isEmpty()) {
      artifactType = null;
    }
    int max = registry.options().maxPageSize();
    int n = Math.min(ex.pageSize(registry.options().defaultReferrersPageSize()), max);
    Digest after = decodeCursor(ex.query("cursor"));
    ReferrersPage page = n == 0 ? ReferrersPage.empty()
        : registry.referrers(repository, subject, artifactType, after, n);
    return new Query(repository, subject, artifactType, n, page);
  }

  private static void link(Exchange ex, String path, Query q) {
    q.page.next().ifPresent(last -> ex.linkNext(path + "?n=" + q.n
        + (q.artifactType == null ? "" : "&artifactType=" + ListingHandlers.encode(q.artifactType))
        + "&cursor=" + encodeCursor(last)));
  }

  /** The cursor is opaque to clients: the last digest of the previous page, base64url. */
  static String encodeCursor(Digest last) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(last.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Digest decodeCursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      return Digest.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | RegistryException e) {
      throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID,
          "invalid cursor \"" + cursor + "\": pass the cursor from the previous page's Link header");
    }
  }
}
