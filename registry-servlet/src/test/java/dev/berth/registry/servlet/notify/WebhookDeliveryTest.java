package dev.berth.registry.servlet.notify;

import static dev.berth.registry.servlet.testing.WebhookReceiver.event;
import static dev.berth.registry.servlet.testing.WebhookReceiver.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.berth.registry.Registry;
import dev.berth.registry.events.EventJson;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.events.NotificationStats;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook notifications over real HTTP: Berth on Jetty over filesystem storage, a real receiver
 * (the JDK's HttpServer) the test starts, stops and starts again.
 */
class WebhookDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path root;

  private Registry registry(NotificationEndpoint... endpoints) {
    return Registry.builder().filesystem(root).deletesEnabled(true)
        .notifications(List.of(endpoints)).build();
  }

  private static NotificationEndpoint endpoint(String name, WebhookReceiver receiver) {
    return NotificationEndpoint.of(name, receiver.url()).withBackoff(Duration.ofMillis(50));
  }

  @Test
  void pushesSignaturesMountsPullsAndDeletesArriveWithDistributionsFields() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        Registry registry = registry(endpoint("main", receiver).withIgnored(Set.of(),
            Set.of()));
        JettyTestServer server = JettyTestServer.start(registry)) {
      RegistryClient client = new RegistryClient(server.url());
      Digest image = client.pushSmallImage("apps/web", "v1", "one");
      JsonObject push = receiver.await(event("push", "apps/web", image.toString()), WAIT,
          "the manifest push");
      JsonObject target = push.getAsJsonObject("target");
      assertEquals(MediaTypes.OCI_MANIFEST, text(target, "mediaType"));
      assertEquals("v1", text(target, "tag"));
      long size = target.get("size").getAsLong();
      assertTrue(size > 100, target::toString);
      assertEquals(size, target.get("length").getAsLong());
      assertEquals(server.url() + "v2/apps/web/manifests/" + image, text(target, "url"));
      assertNull(text(target, "subject"));
      JsonObject request = push.getAsJsonObject("request");
      assertEquals("PUT", text(request, "method"));
      assertEquals("127.0.0.1", text(request, "addr"));
      assertNotNull(text(request, "id"));
      assertNotNull(text(request, "useragent"));
      assertTrue(text(request, "host").startsWith("127.0.0.1:"), request::toString);
      assertNotNull(text(push.getAsJsonObject("source"), "instanceID"));
      assertTrue(push.getAsJsonObject("actor").entrySet().isEmpty()
          || push.getAsJsonObject("actor").get("name").isJsonNull(), push::toString);
      byte[] layer = "layer one".getBytes(StandardCharsets.UTF_8);
      JsonObject blobPush = receiver.await(event("push", "apps/web",
          Digest.sha256(layer).toString()), WAIT, "the layer push");
      assertEquals("application/octet-stream", text(blobPush.getAsJsonObject("target"),
          "mediaType"));
      assertEquals(layer.length, blobPush.getAsJsonObject("target").get("size").getAsLong());

      Digest signature = client.pushSmallImage("apps/web", "sha256-sig", "sig", image,
          "application/vnd.dev.cosign.signature");
      JsonObject signed = receiver.await(event("push", "apps/web", signature.toString()), WAIT,
          "the signature push").getAsJsonObject("target");
      assertEquals(image.toString(), text(signed, "subject"));
      assertEquals("application/vnd.dev.cosign.signature", text(signed, "artifactType"));

      var mounted = client.post("/v2/apps/api/blobs/uploads/?mount=" + Digest.sha256(layer)
          + "&from=apps/web", null);
      assertEquals(201, mounted.status(), mounted::toString);
      JsonObject mount = receiver.await(event("mount", "apps/api",
          Digest.sha256(layer).toString()), WAIT, "the mount").getAsJsonObject("target");
      assertEquals("apps/web", text(mount, "fromRepository"));

      assertEquals(200, client.get("/v2/apps/web/manifests/v1").status());
      JsonObject pull = receiver.await(event("pull", "apps/web", image.toString()), WAIT,
          "the pull");
      assertEquals("GET", text(pull.getAsJsonObject("request"), "method"));

      assertEquals(202, client.delete("/v2/apps/web/manifests/" + signature).status());
      receiver.await(event("delete", "apps/web", signature.toString()), WAIT, "the delete");

      assertTrue(receiver.deliveries().stream()
          .allMatch(d -> EventJson.ENVELOPE.equals(d.contentType())), "envelope content type");
      assertOutboxEmpty(registry, "main");
    }
  }

  @Test
  void ignoredActionsAndMediaTypesAreNotSentAndCloudEventsAreBatched() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        Registry registry = registry(endpoint("ce", receiver).withCloudEvents(true)
            .withIgnored(Set.of("application/octet-stream"), Set.of("pull")));
        JettyTestServer server = JettyTestServer.start(registry)) {
      RegistryClient client = new RegistryClient(server.url());
      Digest image = client.pushSmallImage("ce/app", "v1", "ce");
      assertEquals(200, client.get("/v2/ce/app/manifests/v1").status());
      Digest second = client.pushSmallImage("ce/app", "v2", "ce2");
      JsonObject last = receiver.await(e -> e.getAsJsonObject("data").getAsJsonObject("target")
          .get("digest").getAsString().equals(second.toString()), WAIT, "the second push");
      assertEquals("1.0", text(last, "specversion"));
      assertEquals("dev.berth.registry.push", text(last, "type"));
      assertEquals("ce/app", text(last, "subject"));
      // Only the two manifest pushes: the layers (octet-stream) and the pull are ignored.
      List<String> digests = receiver.events().stream().map(e -> text(e.getAsJsonObject("data")
          .getAsJsonObject("target"), "digest")).toList();
      assertEquals(List.of(image.toString(), second.toString()), digests);
      assertTrue(receiver.deliveries().stream()
          .allMatch(d -> EventJson.CLOUD_EVENTS_BATCH.equals(d.contentType())));
    }
  }

  @Test
  void aReceiverThatIsDownGetsEveryEventLaterInOrderAndHeadersAreSent() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        Registry registry = registry(new NotificationEndpoint("down", receiver.url(),
            Map.of("Authorization", List.of("Bearer s3cret")), Duration.ofSeconds(2), 3,
            Duration.ofMillis(50), Set.of(), Set.of("pull"), false, false));
        JettyTestServer server = JettyTestServer.start(registry)) {
      RegistryClient client = new RegistryClient(server.url());
      receiver.stop();
      List<String> pushed = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        pushed.add(client.pushSmallImage("down/app", "t" + i, "down" + i).toString());
      }
      awaitFailing(registry);
      receiver.restart();
      List<JsonObject> manifests = receiver.awaitCount(e -> MediaTypes.OCI_MANIFEST.equals(
          text(e.getAsJsonObject("target"), "mediaType")), 12, WAIT, "12 manifest pushes");
      // Deduplicated by id, the manifest pushes arrive in the order they were acknowledged.
      LinkedHashSet<String> ids = new LinkedHashSet<>();
      List<String> order = new ArrayList<>();
      for (JsonObject e : manifests) {
        if (ids.add(text(e, "id"))) {
          order.add(text(e.getAsJsonObject("target"), "digest"));
        }
      }
      assertEquals(pushed, order);
      assertTrue(receiver.deliveries().stream().allMatch(d -> List.of("Bearer s3cret")
          .equals(d.headers().get("Authorization"))), "every delivery carries the header");
      assertOutboxEmpty(registry, "down");
      NotificationStats stats = registry.events().stats().get(0);
      assertTrue(stats.failed() >= 3, stats::toString);
      assertFalse(stats.failing(), stats::toString);
    }
  }

  private static void awaitFailing(Registry registry) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!registry.events().stats().get(0).failing()) {
      assertTrue(System.nanoTime() < deadline, "the endpoint never became failing");
      Thread.onSpinWait();
    }
  }

  /** Delivered entries are deleted: the outbox empties once everything has arrived. */
  static void assertOutboxEmpty(Registry registry, String endpoint) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!registry.storage().list(StoragePaths.outboxDirectory(endpoint)).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "outbox never emptied");
      Thread.onSpinWait();
    }
  }
}
