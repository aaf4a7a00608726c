package dev.berth.junit5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.junit5.content.PushedArtifact;
import dev.berth.junit5.content.PushedImage;
import dev.berth.junit5.content.TestContent;
import dev.berth.registry.servlet.Route;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every kind of fault, over real HTTP, and how the journal reports it. */
class FaultsTest {

  @RegisterExtension
  static BerthExtension berth = BerthExtension.builder().build();

  @Test
  void statusFaultAnswersInPlaceOfTheRegistryForItsCountThenStops() throws Exception {
    berth.faults().inject(Fault.status(503).on(Route.BASE).times(2));

    HttpResponse<String> first = Http.get(berth.url(), "/v2/");
    HttpResponse<String> second = Http.get(berth.url(), "/v2/");
    HttpResponse<String> third = Http.get(berth.url(), "/v2/");

    assertEquals(503, first.statusCode());
    assertTrue(first.body().contains("\"code\":\"UNAVAILABLE\""), first.body());
    assertEquals("registry/2.0",
        first.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
    assertEquals(503, second.statusCode());
    assertEquals(200, third.statusCode());
    List<RecordedRequest> journal = berth.journal().requests();
    assertEquals(List.of(503, 503, 200), journal.stream().map(RecordedRequest::status).toList());
    assertTrue(journal.get(0).injected(), journal.get(0)::toString);
    assertFalse(journal.get(2).injected());
    // Injected 5xx are not the registry's: failOnServerError lets this test pass.
    assertEquals(List.of(), berth.journal().serverErrors());
  }

  @Test
  void tooManyRequestsCarriesRetryAfter() throws Exception {
    berth.faults().inject(Fault.status(429).retryAfter(Duration.ofSeconds(3))
        .on(Route.MANIFEST, "PUT"));

    HttpResponse<String> put = Http.put(berth.url(), "/v2/app/manifests/v1",
        "application/vnd.oci.image.manifest.v1+json", "{}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> get = Http.get(berth.url(), "/v2/app/manifests/v1");

    assertEquals(429, put.statusCode());
    assertEquals("3", put.headers().firstValue("Retry-After").orElse(null));
    assertTrue(put.body().contains("TOOMANYREQUESTS"), put.body());
    assertEquals(404, get.statusCode(), "the GET is out of the fault's scope");
  }

  @Test
  void faultIsScopedByRepository() throws Exception {
    berth.faults().inject(Fault.status(500).repository("flaky"));

    assertEquals(500, Http.get(berth.url(), "/v2/flaky/tags/list").statusCode());
    assertEquals(404, Http.get(berth.url(), "/v2/steady/tags/list").statusCode());
  }

  @Test
  void delayHoldsTheAnswer() throws Exception {
    berth.faults().inject(Fault.delay(Duration.ofMillis(300)).on(Route.BASE));

    long start = System.nanoTime();
    HttpResponse<String> r = Http.get(berth.url(), "/v2/");
    long took = (System.nanoTime() - start) / 1_000_000;

    assertEquals(200, r.statusCode());
    assertTrue(took >= 300, "answered after " + took + " ms");
    RecordedRequest recorded = berth.journal().requests().get(0);
    assertTrue(recorded.duration().toMillis() >= 300, recorded.duration()::toString);
    assertEquals(Optional.of("delay 300 ms on BASE"), recorded.fault());
  }

  @Test
  void cutAfterSendsAShortBodyThenCloses(TestContent content) throws Exception {
    PushedImage image = content.image("app").layerSizes(10_000).push();
    String layer = image.layers().get(0).digest();
    berth.faults().inject(Fault.cutAfter(1000).on(Route.BLOB, "GET"));

    // A raw socket: the client must see the announced length and then the end of the stream.
    byte[] answer;
    try (Socket socket = new Socket(berth.url().getHost(), berth.url().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v2/app/blobs/" + layer + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      answer = all.toByteArray();
    }
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    int bodyStart = text.indexOf("\r\n\r\n") + 4;
    assertTrue(text.startsWith("HTTP/1.1 200"), text.substring(0, Math.min(200, text.length())));
    assertTrue(text.contains("Content-Length: 10000"), text.substring(0, bodyStart));
    assertEquals(1000, answer.length - bodyStart);
    byte[] expected = new byte[1000];
    System.arraycopy(image.layers().get(0).bytes(), 0, expected, 0, 1000);
    byte[] body = new byte[1000];
    System.arraycopy(answer, bodyStart, body, 0, 1000);
    assertArrayEquals(expected, body);

    RecordedRequest recorded = berth.journal().requests(RequestPattern.get(Route.BLOB)).get(0);
    assertFalse(recorded.completed(), recorded::toString);
    assertEquals(1000, recorded.bytesOut());
    assertEquals(200, recorded.status());
  }

  @Test
  void cutConnectionFailsAJavaClient(TestContent content) throws Exception {
    PushedImage image = content.image("app").layerSizes(100_000).push();
    berth.faults().inject(Fault.cutAfter(0).on(Route.BLOB).times(1));
    String path = "/v2/app/blobs/" + image.layers().get(0).digest();

    assertThrows(java.io.IOException.class, () -> Http.getBytes(berth.url(), path));
    HttpResponse<byte[]> again = Http.getBytes(berth.url(), path);
    assertArrayEquals(image.layers().get(0).bytes(), again.body());
  }

  @Test
  void warningHeaderIsAdded() throws Exception {
    berth.faults().inject(Fault.warning("this registry is a test double"))
        .inject(Fault.warning("299 - \"second\"").on(Route.CATALOG));

    HttpResponse<String> base = Http.get(berth.url(), "/v2/");
    HttpResponse<String> catalog = Http.get(berth.url(), "/v2/_catalog");

    assertEquals(List.of("299 - \"this registry is a test double\""),
        base.headers().allValues("Warning"));
    assertEquals(List.of("299 - \"this registry is a test double\"", "299 - \"second\""),
        catalog.headers().allValues("Warning"));
    assertEquals(200, catalog.statusCode());
  }

  @Test
  void referrersApiOffAnswers404AndNoSubjectHeader(TestContent content) throws Exception {
    PushedImage image = content.image("app").push();
    berth.faults().disableReferrersApi();

    PushedArtifact sig = content.artifact("app").subject(image)
        .artifactType("application/vnd.example.sig").push();
    HttpResponse<String> referrers = Http.get(berth.url(), "/v2/app/referrers/"
        + image.digest());
    HttpResponse<String> oras = Http.get(berth.url(), "/oras/artifacts/v1/app/manifests/"
        + image.digest() + "/referrers");

    assertEquals(404, referrers.statusCode());
    assertEquals(404, oras.statusCode());
    RecordedRequest put = berth.journal().requests(RequestPattern.put(Route.MANIFEST)).get(0);
    assertEquals(201, put.status());
    assertEquals(Optional.empty(), put.responseHeader("OCI-Subject"), put.responseHeaders()
        ::toString);

    berth.faults().clear();
    HttpResponse<String> back = Http.get(berth.url(), "/v2/app/referrers/" + image.digest());
    assertEquals(200, back.statusCode());
    assertTrue(back.body().contains(sig.digest()), back.body());
  }

  @Test
  void subjectHeaderIsThereWhileTheApiIsOn(TestContent content) throws Exception {
    PushedImage image = content.image("app").push();
    content.artifact("app").subject(image).push();

    RecordedRequest put = berth.journal().requests(RequestPattern.put(Route.MANIFEST)).get(1);
    assertEquals(Optional.of(image.digest()), put.responseHeader("OCI-Subject"));
  }
}
