package dev.berth.it;

import static dev.berth.registry.servlet.testing.WebhookReceiver.event;
import static dev.berth.registry.servlet.testing.WebhookReceiver.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks from the packaged launcher: an acknowledged push's event survives a SIGKILL while the
 * receiver is down and arrives after the restart; two launchers over one directory deliver each
 * event once; a bad endpoint stops the start naming its key (exit 2).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebhookIT {
  /** The killed holder's endpoint lease (10 s) must lapse before the new process delivers. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path data;

  private static String endpoints(WebhookReceiver receiver) {
    return "[{\"name\":\"hook\",\"url\":\"" + receiver.url() + "\",\"backoff\":\"100ms\","
        + "\"timeout\":\"2s\"}]";
  }

  private BerthProcess start(WebhookReceiver receiver) throws Exception {
    return BerthProcess.start("--storage", data.toString(), "--webhook-endpoints",
        endpoints(receiver));
  }

  @Test
  void anAcknowledgedPushsEventSurvivesSigkillWhileTheReceiverIsDown() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.stop();
      Digest image;
      try (BerthProcess first = start(receiver)) {
        image = new RegistryClient(first.url()).pushSmallImage("it/hooks", "v1", "killed");
        first.kill();
        assertFalse(first.isAlive(), "SIGKILL did not end the launcher");
      }
      assertEquals(List.of(), receiver.events(), "the receiver was down");
      receiver.restart();
      try (BerthProcess second = start(receiver)) {
        JsonObject push = receiver.await(event("push", "it/hooks", image.toString()), WAIT,
            "the manifest push acknowledged before the kill");
        assertEquals("v1", text(push.getAsJsonObject("target"), "tag"));
        assertEquals(MediaTypes.OCI_MANIFEST, text(push.getAsJsonObject("target"),
            "mediaType"));
      }
    }
  }

  @Test
  void twoLaunchersOverOneDirectoryDeliverEachEventOnce() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        BerthProcess a = start(receiver);
        BerthProcess b = start(receiver)) {
      List<RegistryClient> clients = List.of(new RegistryClient(a.url()),
          new RegistryClient(b.url()));
      List<String> pushed = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        pushed.add(clients.get(i % 2).pushSmallImage("it/two", "t" + i, "two" + i).toString());
      }
      List<JsonObject> manifests = receiver.awaitCount(e -> "push".equals(text(e, "action"))
          && MediaTypes.OCI_MANIFEST.equals(text(e.getAsJsonObject("target"), "mediaType")),
          10, WAIT, "10 manifest pushes");
      Map<String, Integer> seen = new HashMap<>();
      for (JsonObject e : receiver.events()) {
        seen.merge(text(e, "id"), 1, Integer::sum);
      }
      assertTrue(seen.values().stream().allMatch(n -> n == 1), "an event arrived twice: "
          + seen);
      assertEquals(pushed.stream().sorted().toList(), manifests.stream()
          .map(e -> text(e.getAsJsonObject("target"), "digest")).sorted().toList());
      // Both instances' events arrived, through whichever held the lease.
      assertEquals(2, manifests.stream().map(e -> text(e.getAsJsonObject("source"),
          "instanceID")).distinct().count(), manifests::toString);
    }
  }

  @Test
  void aBadEndpointStopsTheStartNamingItsKey() {
    Programs.Result r = BerthProcess.run("serve", "--storage", data.toString(),
        "--webhook-endpoints", "[{\"name\":\"hook\",\"url\":\"ftp://x\",\"threshold\":0}]");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.toString().contains("notifications.endpoints[0].url"), r::toString);
    assertTrue(r.toString().contains("notifications.endpoints[0].threshold"), r::toString);
  }
}
