package dev.berth.junit5;

import static dev.berth.junit5.RequestPattern.get;
import static dev.berth.junit5.RequestPattern.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.servlet.Route;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** What the journal records of real exchanges, and how it counts and verifies. */
@BerthTest
class RequestJournalTest {

  static final String OCI = "application/vnd.oci.image.manifest.v1+json";

  @Test
  void recordsEveryFieldOfAnExchange(BerthRuntimeInfo berth) throws Exception {
    byte[] body = "not a manifest".getBytes(StandardCharsets.UTF_8);
    Http.send(HttpRequest.newBuilder(berth.url().resolve("/v2/library/app/manifests/v1?x=1"))
        .header("Content-Type", OCI).header("X-Test", "yes")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());

    List<RecordedRequest> all = berth.journal().requests();
    assertEquals(1, all.size(), all::toString);
    RecordedRequest r = all.get(0);
    assertEquals("PUT", r.method());
    assertEquals("/v2/library/app/manifests/v1", r.path());
    assertEquals(Optional.of("x=1"), r.query());
    assertEquals(Optional.of(Route.MANIFEST), r.route());
    assertEquals(Optional.of("library/app"), r.repository());
    assertEquals(400, r.status());
    assertEquals(Optional.of("yes"), r.requestHeader("x-test"));
    assertEquals(Optional.of(OCI), r.requestHeader("Content-Type"));
    assertEquals(Optional.of("application/json"), r.responseHeader("content-type"));
    assertEquals(body.length, r.bytesIn());
    assertEquals(Long.parseLong(r.responseHeader("Content-Length").orElseThrow()), r.bytesOut());
    assertTrue(r.completed());
    assertEquals(Optional.empty(), r.fault());
    assertTrue(r.toString().startsWith("PUT /v2/library/app/manifests/v1?x=1 -> 400"),
        r::toString);
  }

  @Test
  void countsAndVerifiesByPattern(BerthRuntimeInfo berth) throws Exception {
    Http.get(berth.url(), "/v2/");
    Http.get(berth.url(), "/v2/a/tags/list");
    Http.get(berth.url(), "/v2/b/tags/list");
    Http.head(berth.url(), "/v2/a/manifests/latest");
    Http.get(berth.url(), "/nowhere");

    RequestJournal journal = berth.journal();
    assertEquals(5, journal.requestCount(RequestPattern.any()));
    assertEquals(2, journal.requestCount(Route.TAGS));
    assertEquals(1, journal.requestCount(get(Route.TAGS).repository("b")));
    assertEquals(1, journal.requestCount(RequestPattern.head(Route.MANIFEST).status(404)));
    assertEquals(1, journal.requestCount(RequestPattern.any().where("no route",
        r -> r.route().isEmpty())));
    journal.verify(get(Route.BASE));
    journal.verify(2, get(Route.TAGS));
    journal.verifyNever(put(Route.MANIFEST));
  }

  @Test
  void aFailedVerificationListsTheJournal(BerthRuntimeInfo berth) throws Exception {
    Http.get(berth.url(), "/v2/");

    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> berth.journal().verify(2, put(Route.MANIFEST).repository("app")));

    assertEquals("expected 2 requests: PUT on MANIFEST in app, found 0\nrecorded requests:\n"
        + "  GET /v2/ -> 200 (0 B in, 2 B out)", e.getMessage());
    assertEquals("2", e.getExpected().getStringRepresentation());
    AssertionFailedError none = assertThrows(AssertionFailedError.class,
        () -> berth.journal().verify(get(Route.CATALOG)));
    assertTrue(none.getMessage().startsWith("expected at least one request: GET on CATALOG"),
        none.getMessage());
  }

  @Test
  void startsEmptyInEveryTest(BerthRuntimeInfo berth) throws Exception {
    // The other tests of this class made requests; none of them is here.
    assertEquals(List.of(), berth.journal().requests());
    Http.get(berth.url(), "/v2/");
    assertEquals(1, berth.journal().requests().size());
    berth.journal().clear();
    assertEquals(List.of(), berth.journal().requests());
  }

  @Test
  void theLastRequestIsRecordedOnceTheClientHasTheAnswer(BerthRuntimeInfo berth)
      throws Exception {
    for (int i = 0; i < 50; i++) {
      Http.get(berth.url(), "/v2/");
      assertEquals(i + 1, berth.journal().requestCount(get(Route.BASE)), "after " + (i + 1));
    }
  }
}
