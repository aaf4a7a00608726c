package dev.berth.registry.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Assertions on the wire format the distribution spec fixes: error envelopes, links, locations. */
public final class ApiAssertions {
  private ApiAssertions() {}

  private static final Pattern NEXT_LINK = Pattern.compile("^<([^>]+)>;\\s*rel=\"next\"$");

  /**
   * Asserts an error answer: the status, a JSON body {@code {"errors":[{"code","message","detail"}]}}
   * whose codes are exactly {@code codes} in order, and the API version header.
   *
   * @return the {@code errors} array, for checks on details
   */
  public static JsonArray assertErrors(Response response, int status, String... codes) {
    assertEquals(status, response.status(), response::toString);
    assertEquals("registry/2.0", response.header("Docker-Distribution-API-Version"),
        response::toString);
    String type = response.header("Content-Type");
    assertNotNull(type, () -> "error without Content-Type: " + response);
    assertTrue(type.startsWith("application/json"), () -> "error Content-Type: " + response);
    JsonObject body;
    try {
      body = response.json();
    } catch (RuntimeException e) {
      throw new AssertionError("error body is not a JSON object: " + response, e);
    }
    JsonArray errors = body.getAsJsonArray("errors");
    assertNotNull(errors, () -> "no errors array: " + response);
    List<String> actual = new ArrayList<>();
    for (JsonElement e : errors) {
      JsonObject error = e.getAsJsonObject();
      assertTrue(error.has("code") && error.get("code").isJsonPrimitive(),
          () -> "error without code: " + response);
      assertTrue(error.has("message") && !error.get("message").getAsString().isBlank(),
          () -> "error without message: " + response);
      assertTrue(error.has("detail"), () -> "error without detail: " + response);
      actual.add(error.get("code").getAsString());
    }
    assertEquals(Arrays.asList(codes), actual, response::toString);
    return errors;
  }

  /** Asserts the answer to a HEAD that failed: the status and no body at all. */
  public static void assertHeadError(Response response, int status) {
    assertEquals(status, response.status(), response::toString);
    assertEquals(0, response.body().length, () -> "HEAD error with a body: " + response);
    assertEquals("registry/2.0", response.header("Docker-Distribution-API-Version"));
  }

  /** The digests named in the {@code detail.digest} of each error, in order. */
  public static List<String> detailDigests(JsonArray errors) {
    List<String> digests = new ArrayList<>();
    for (JsonElement e : errors) {
      JsonElement detail = e.getAsJsonObject().get("detail");
      if (detail != null && detail.isJsonObject() && detail.getAsJsonObject().has("digest")) {
        digests.add(detail.getAsJsonObject().get("digest").getAsString());
      }
    }
    return digests;
  }

  /** The target of a {@code Link: <...>; rel="next"} header, if the answer has one. */
  public static Optional<String> nextLink(Response response) {
    String link = response.header("Link");
    if (link == null) {
      return Optional.empty();
    }
    Matcher m = NEXT_LINK.matcher(link.trim());
    if (!m.matches()) {
      fail("malformed Link header: " + link);
    }
    return Optional.of(m.group(1));
  }

  /** The path of a {@code Location} (absolute or relative); fails when it is missing. */
  public static String locationPath(Response response) {
    String location = response.header("Location");
    assertNotNull(location, () -> "no Location: " + response);
    return URI.create(location).getPath();
  }

  /** Asserts that {@code Location} is an absolute URL on {@code server} with the given path. */
  public static void assertLocation(Response response, TestServer server, String path) {
    String location = response.header("Location");
    assertNotNull(location, () -> "no Location: " + response);
    URI uri = URI.create(location);
    assertTrue(uri.isAbsolute(), () -> "Location is not absolute: " + location);
    assertEquals(server.url().getAuthority(), uri.getAuthority(), location);
    assertEquals(path, uri.getPath(), location);
  }

  /** Asserts {@code Docker-Content-Digest} and that the body hashes to it. */
  public static void assertBody(Response response, byte[] expected, Digest digest) {
    assertEquals(digest.toString(), response.header("Docker-Content-Digest"), response::toString);
    assertEquals(String.valueOf(expected.length), response.header("Content-Length"),
        response::toString);
    assertTrue(Arrays.equals(expected, response.body()), () -> "body differs: " + response);
    assertEquals(digest, Digest.of(digest.algorithm(), response.body()));
  }
}
