package dev.berth.launcher.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * One line of the hostile-input table: a request and the answer it must get. An error answer
 * ({@code status >= 400}) must be the distribution-spec envelope with {@code code} (every error in
 * it), as {@code application/json}; a few rows expect a plain success, where the spec says a
 * malformed header is ignored ({@code Range: bytes=abc} is served whole).
 *
 * @param group the table's section, for the test's display name
 * @param code the envelope code of every error, or null for a success
 */
public record Row(String group, String name, Wire.Request request, int status, String code) {

  public static Row error(String group, String name, Wire.Request request, int status,
      String code) {
    return new Row(group, name, request, status, code);
  }

  public static Row ok(String group, String name, Wire.Request request, int status) {
    return new Row(group, name, request, status, null);
  }

  public String displayName() {
    return group + ": " + name + " -> " + status + (code == null ? "" : " " + code);
  }

  /** Checks an answer against the row: never a 5xx, the status, and for errors the envelope. */
  public void check(Wire.Answer answer) {
    String where = displayName() + "\n  request: " + request + "\n  answer: " + answer;
    assertTrue(answer.status() < 500, () -> "a server error for hostile input: " + where);
    assertEquals(status, answer.status(), () -> "status: " + where);
    if (status < 400) {
      return;
    }
    assertEnvelope(answer, request.isHead(), code == null ? Set.of() : Set.of(code), where);
  }

  /**
   * Asserts the spec's error envelope: {@code {"errors":[{"code","message","detail"}]}} as
   * {@code application/json} with the API version header, the codes exactly {@code codes}; for a
   * HEAD, no body at all.
   */
  public static void assertEnvelope(Wire.Answer answer, boolean head, Set<String> codes,
      String where) {
    assertEquals("registry/2.0", answer.header("Docker-Distribution-API-Version"),
        () -> "no API version header: " + where);
    if (head) {
      assertEquals(0, answer.body().length, () -> "a HEAD error with a body: " + where);
      return;
    }
    String type = answer.header("Content-Type");
    assertNotNull(type, () -> "an error without Content-Type: " + where);
    assertTrue(type.startsWith("application/json"), () -> "error Content-Type: " + where);
    assertTrue(answer.body().length > 0, () -> "an error with an empty body: " + where);
    assertFalse(answer.text().trim().startsWith("<"), () -> "an HTML error page: " + where);
    JsonObject body;
    try {
      body = answer.json();
    } catch (RuntimeException e) {
      throw new AssertionError("the error body is not a JSON object: " + where, e);
    }
    assertEquals(Set.of("errors"), body.keySet(), () -> "envelope fields: " + where);
    JsonArray errors = body.getAsJsonArray("errors");
    assertFalse(errors.isEmpty(), () -> "no errors in the envelope: " + where);
    Set<String> seen = new TreeSet<>();
    for (JsonElement e : errors) {
      JsonObject error = e.getAsJsonObject();
      assertTrue(error.has("code") && error.get("code").isJsonPrimitive(),
          () -> "an error without code: " + where);
      assertTrue(error.has("message") && error.get("message").isJsonPrimitive()
          && !error.get("message").getAsString().isBlank(),
          () -> "an error without message: " + where);
      assertFalse(error.get("message").getAsString()
          .matches("the HTTP server refused the request: \\d{3} [^(]*"),
          () -> "a message that does not say why: " + where);
      assertTrue(error.has("detail"), () -> "an error without detail: " + where);
      seen.add(error.get("code").getAsString());
    }
    assertEquals(new TreeSet<>(codes), seen, () -> "error codes: " + where);
  }
}
