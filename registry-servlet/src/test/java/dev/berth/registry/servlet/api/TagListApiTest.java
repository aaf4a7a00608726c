package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.nextLink;
import static dev.berth.registry.servlet.testing.Listings.flatten;
import static dev.berth.registry.servlet.testing.Listings.items;
import static dev.berth.registry.servlet.testing.Listings.walk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code GET /v2/<name>/tags/list}: lexical order, {@code n}, {@code last} and {@code Link}. */
public class TagListApiTest extends HttpSuite {

  private static final String REPO = "listing/app";
  private static final String PATH = "/v2/listing/app/tags/list";

  /** In byte order: '-' < '.' < digits < upper case < '_' < lower case. */
  private static final List<String> LEXICAL = List.of("1", "A", "B", "Z9", "_x", "a", "a-b", "a.b",
      "a_b", "b", "latest", "v1-0", "v1.0", "v1_0");

  private byte[] manifest;

  /** Tags one manifest with every tag of {@link #LEXICAL}, in a shuffled order. */
  private void pushTags() {
    Digest digest = client.pushSmallImage(REPO, "1", "tagged");
    manifest = client.get("/v2/" + REPO + "/manifests/" + digest).body();
    List<String> shuffled = new ArrayList<>(LEXICAL);
    Collections.shuffle(shuffled, new Random(7));
    for (String tag : shuffled) {
      tag(tag);
    }
  }

  private void tag(String tag) {
    Response put = client.putManifest(REPO, tag, MediaTypes.OCI_MANIFEST, manifest);
    assertEquals(201, put.status(), put::toString);
  }

  @Test
  void tagsAreInLexicalOrder() {
    pushTags();

    Response list = client.get(PATH);

    assertEquals(LEXICAL, items(list, "tags"));
    assertEquals(REPO, list.json().get("name").getAsString());
    assertFalse(nextLink(list).isPresent());
  }

  @Test
  void pagesOfNFollowedByLinkWalkEveryTagOnce() {
    pushTags();

    for (int n = 1; n <= LEXICAL.size() + 1; n++) {
      List<List<String>> pages = walk(client, PATH + "?n=" + n, "tags", PATH, n);

      assertEquals(LEXICAL, flatten(pages), "n=" + n);
      assertEquals((LEXICAL.size() + n - 1) / n, pages.size(), "pages for n=" + n);
    }
  }

  @Test
  void firstPageHasExactlyNAndALink() {
    pushTags();

    Response page = client.get(PATH + "?n=3");

    assertEquals(List.of("1", "A", "B"), items(page, "tags"));
    assertTrue(nextLink(page).isPresent(), page::toString);
  }

  @Test
  void pageThatEndsTheListHasNoLink() {
    pushTags();

    Response exact = client.get(PATH + "?n=" + LEXICAL.size());
    Response more = client.get(PATH + "?n=1000");

    assertEquals(LEXICAL, items(exact, "tags"));
    assertFalse(nextLink(exact).isPresent(), exact::toString);
    assertEquals(LEXICAL, items(more, "tags"));
    assertFalse(nextLink(more).isPresent(), more::toString);
  }

  @Test
  void lastStartsStrictlyAfterIt() {
    pushTags();

    assertEquals(LEXICAL.subList(6, LEXICAL.size()), items(client.get(PATH + "?last=a"), "tags"));
    Response two = client.get(PATH + "?n=2&last=a-b");
    assertEquals(List.of("a.b", "a_b"), items(two, "tags"));
    assertTrue(nextLink(two).isPresent());
    // A last that is not a tag: everything after where it would sort.
    assertEquals(List.of("b", "latest", "v1-0", "v1.0", "v1_0"),
        items(client.get(PATH + "?last=aa"), "tags"));
    Response end = client.get(PATH + "?n=5&last=v1_0");
    assertEquals(List.of(), items(end, "tags"));
    assertFalse(nextLink(end).isPresent());
  }

  @Test
  void nZeroIsAnEmptyListWithoutLink() {
    pushTags();

    Response zero = client.get(PATH + "?n=0");

    assertEquals(List.of(), items(zero, "tags"));
    assertFalse(nextLink(zero).isPresent(), zero::toString);
    assertEquals(List.of(), items(client.get(PATH + "?n=0&last=a"), "tags"));
  }

  @Test
  void invalidNIsPaginationNumberInvalid() {
    pushTags();

    for (String n : List.of("-1", "abc", "1.5", "0x10")) {
      assertErrors(client.get(PATH + "?n=" + n), 400, "PAGINATION_NUMBER_INVALID");
    }
  }

  @Test
  void unknownRepositoryIsNameUnknown() {
    assertErrors(client.get("/v2/listing/none/tags/list"), 404, "NAME_UNKNOWN");
    assertErrors(client.get("/v2/listing/none/tags/list?n=0"), 404, "NAME_UNKNOWN");
  }

  @Test
  void walkIsStableWhileTagsAreAddedAndRemoved() {
    pushTags();

    Response first = client.get(PATH + "?n=4");
    assertEquals(LEXICAL.subList(0, 4), items(first, "tags"));
    tag("0");          // sorts before the walk's position: not seen
    tag("zzz");        // sorts after it: seen
    assertEquals(202, client.delete("/v2/" + REPO + "/manifests/latest").status());
    List<String> rest = flatten(walk(client, nextLink(first).orElseThrow(), "tags", PATH, 4));

    List<String> expected = new ArrayList<>(LEXICAL.subList(4, LEXICAL.size()));
    expected.remove("latest");
    expected.add("zzz");
    assertEquals(expected, rest);
  }
}
