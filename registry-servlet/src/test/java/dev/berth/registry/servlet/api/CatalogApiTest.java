package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.nextLink;
import static dev.berth.registry.servlet.testing.Listings.flatten;
import static dev.berth.registry.servlet.testing.Listings.items;
import static dev.berth.registry.servlet.testing.Listings.walk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/_catalog}. Names nest, so lexical order is not a depth-first walk of folders:
 * {@code a-b} and {@code a.b} sort between {@code a} and {@code a/c}.
 */
public class CatalogApiTest extends HttpSuite {

  private static final String PATH = "/v2/_catalog";
  private static final List<String> LEXICAL = List.of("a", "a-b", "a.b", "a/c", "a/c/d", "ab",
      "b/x");

  private void pushRepositories() {
    // Depth-first order, deepest first: nothing about the push order helps the listing.
    for (String name : List.of("b/x", "a/c/d", "ab", "a/c", "a.b", "a-b", "a")) {
      client.pushSmallImage(name, "latest", name);
    }
  }

  @Test
  void emptyRegistryHasNoRepositories() {
    Response catalog = client.get(PATH);

    assertEquals(List.of(), items(catalog, "repositories"));
    assertFalse(nextLink(catalog).isPresent());
  }

  @Test
  void repositoriesAreInLexicalOrder() {
    pushRepositories();

    Response catalog = client.get(PATH);

    assertEquals(LEXICAL, items(catalog, "repositories"));
    assertFalse(nextLink(catalog).isPresent(), catalog::toString);
  }

  @Test
  void walksOfOneTwoAndThreeFollowTheLinks() {
    pushRepositories();

    List<List<String>> ones = walk(client, PATH + "?n=1", "repositories", PATH, 1);
    List<List<String>> twos = walk(client, PATH + "?n=2", "repositories", PATH, 2);
    List<List<String>> threes = walk(client, PATH + "?n=3", "repositories", PATH, 3);

    assertEquals(LEXICAL, flatten(ones));
    assertEquals(7, ones.size());
    assertEquals(List.of(List.of("a", "a-b"), List.of("a.b", "a/c"), List.of("a/c/d", "ab"),
        List.of("b/x")), twos);
    assertEquals(List.of(List.of("a", "a-b", "a.b"), List.of("a/c", "a/c/d", "ab"),
        List.of("b/x")), threes);
  }

  @Test
  void lastStartsStrictlyAfterANestedName() {
    pushRepositories();

    assertEquals(List.of("a/c/d", "ab", "b/x"),
        items(client.get(PATH + "?last=a/c"), "repositories"));
    assertEquals(List.of("a-b", "a.b", "a/c", "a/c/d", "ab", "b/x"),
        items(client.get(PATH + "?last=a"), "repositories"));
    Response one = client.get(PATH + "?n=1&last=a/c/d");
    assertEquals(List.of("ab"), items(one, "repositories"));
    assertTrue(nextLink(one).isPresent());
    // A last that names no repository, percent-encoded as a Link would carry it.
    assertEquals(List.of("ab", "b/x"), items(client.get(PATH + "?last=a%2Fz"), "repositories"));
    assertEquals(List.of(), items(client.get(PATH + "?last=b/x"), "repositories"));
  }

  @Test
  void nZeroIsAnEmptyListWithoutLink() {
    pushRepositories();

    Response zero = client.get(PATH + "?n=0");

    assertEquals(List.of(), items(zero, "repositories"));
    assertFalse(nextLink(zero).isPresent());
  }

  @Test
  void invalidNIsPaginationNumberInvalid() {
    for (String n : List.of("-1", "abc", "2.0")) {
      assertErrors(client.get(PATH + "?n=" + n), 400, "PAGINATION_NUMBER_INVALID");
    }
  }

  @Test
  void repositoryWithBlobsButNoManifestIsNotListed() {
    client.pushSmallImage("listed", "latest", "x");
    client.pushBlob("blobs/only", "no manifest".getBytes(StandardCharsets.UTF_8));
    client.startUpload("upload/only");

    assertEquals(List.of("listed"), items(client.get(PATH), "repositories"));
  }
}
