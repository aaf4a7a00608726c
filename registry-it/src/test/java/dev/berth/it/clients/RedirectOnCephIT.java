package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.CephRgw;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth.jar on Ceph with {@code --s3-redirect}: skopeo pushes an image in, then copies it out
 * through Berth, whose blob GETs answer 307 to presigned URLs of the Ceph gateway; what skopeo
 * wrote out is the layout's bytes, and the access log shows that the blobs went by redirect.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedirectOnCephIT {

  @TempDir
  Path work;

  @Test
  void skopeoCopiesThroughARedirectingBerth() throws Exception {
    Programs.require("skopeo");
    CephRgw ceph = CephRgw.get();
    List<String> flags = new ArrayList<>(List.of("serve", "--port", "0", "--host", "127.0.0.1",
        "--s3-redirect", "--s3-redirect-expiry", "5m"));
    flags.addAll(ceph.flags("it-redirect-" + UUID.randomUUID()));
    Path layout = OciLayout.write(work.resolve("layout"), "v1", "served by Ceph itself");
    try (BerthProcess berth = BerthProcess.launch(List.of(), Map.of(),
        flags.toArray(String[]::new))) {
      String reg = berth.authority();
      Skopeo skopeo = new Skopeo(work, reg);
      skopeo.check("copy", "--dest-tls-verify=false", "oci:" + layout + ":v1",
          "docker://" + reg + "/it/redirect:v1");
      Path out = work.resolve("out");
      skopeo.check("copy", "--src-tls-verify=false", "docker://" + reg + "/it/redirect:v1",
          "oci:" + out + ":v1");

      JsonObject manifest = Oci.json(Files.readAllBytes(layout.resolve("blobs/sha256/"
          + Oci.hex(Oci.json(Files.readString(layout.resolve("index.json")))
              .getAsJsonArray("manifests").get(0).getAsJsonObject().get("digest")
              .getAsString()))));
      List<String> blobs = new ArrayList<>(Oci.layerDigests(manifest));
      blobs.add(manifest.getAsJsonObject("config").get("digest").getAsString());
      for (String digest : blobs) {
        Path name = Path.of("blobs/sha256", Oci.hex(digest));
        assertArrayEquals(Files.readAllBytes(layout.resolve(name)),
            Files.readAllBytes(out.resolve(name)), digest);
        // The blob's GET went by redirect: the access log has its 307, and no 200 for it.
        String blob = "\"route\":\"blob\",\"repository\":\"it/redirect\",\"reference\":\""
            + digest + "\"";
        awaitLine(berth, l -> l.contains(blob) && l.contains("\"method\":\"GET\"")
            && l.contains("\"status\":307"));
        assertTrue(berth.output().lines().noneMatch(l -> l.contains(blob)
            && l.contains("\"method\":\"GET\"") && l.contains("\"status\":200")),
            berth::output);
      }

      RegistryClient http = new RegistryClient(berth.url());
      String layer = blobs.get(0);
      RegistryClient.Response get = http.get("/v2/it/redirect/blobs/" + layer);
      assertEquals(307, get.status(), get::toString);
      assertEquals(layer, get.header("Docker-Content-Digest"));
      URI location = URI.create(get.header("Location"));
      assertEquals(URI.create(ceph.endpoint()).getAuthority(), location.getAuthority());
      assertTrue(location.getRawQuery().contains("X-Amz-Expires=300"), location::toString);
      assertArrayEquals(Files.readAllBytes(layout.resolve("blobs/sha256/" + Oci.hex(layer))),
          http.get(location.toString()).body());
    }
  }

  /** The access log is written by another thread of the process: wait for a line, 10 s. */
  private static void awaitLine(BerthProcess berth, Predicate<String> line) {
    Instant deadline = Instant.now().plusSeconds(10);
    while (berth.output().lines().noneMatch(line)) {
      if (Instant.now().isAfter(deadline)) {
        fail("no such access log line:\n" + berth.output());
      }
      Thread.onSpinWait();
    }
  }
}
