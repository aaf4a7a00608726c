package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.junit5.BerthRuntimeInfo;
import dev.berth.junit5.BerthTest;
import dev.berth.junit5.RequestPattern;
import dev.berth.junit5.content.PushedImage;
import dev.berth.junit5.content.TestContent;
import dev.berth.registry.servlet.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What a user writes first: a registry, an image, a pull, a look at the journal. */
@BerthTest
class PushTest {

  @Test
  void pushesAndPulls(BerthRuntimeInfo berth, TestContent content) throws Exception {
    PushedImage image = content.image("team/app").layers(2, 512).tag("v1").push();

    HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(berth.url() + "v2/team/app/manifests/v1"))
            .header("Accept", image.mediaType()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(200, manifest.statusCode());
    assertEquals(image.digest(),
        manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
    berth.journal().verify(1, RequestPattern.get(Route.MANIFEST).repository("team/app"));
  }
}
