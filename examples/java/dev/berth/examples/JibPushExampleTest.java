package dev.berth.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.berth.junit5.BerthRuntimeInfo;
import dev.berth.junit5.BerthTest;
import dev.berth.junit5.RequestPattern;
import dev.berth.junit5.content.PushedArtifact;
import dev.berth.junit5.content.Referrer;
import dev.berth.junit5.content.StoredManifest;
import dev.berth.junit5.content.TestContent;
import dev.berth.registry.servlet.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Testing an image build against Berth instead of a registry container: Jib pushes an image to
 * the test's registry, the test checks what Jib sent (the journal) and what the registry holds,
 * and attaches an SBOM to the image to check the referrers.
 */
@BerthTest
class JibPushExampleTest {

  @Test
  void jibPushesAnImage(BerthRuntimeInfo berth, TestContent content, @TempDir Path work)
      throws Exception {
    Path app = Files.writeString(work.resolve("hello.txt"), "hello from jib\n");
    String image = berth.authority() + "/examples/jib:1.0";

    JibContainer pushed = Jib.fromScratch()
        .addLayer(List.of(app), AbsoluteUnixPath.get("/app"))
        .setEntrypoint("/bin/cat", "/app/hello.txt")
        .setCreationTime(Instant.EPOCH)
        .setFormat(ImageFormat.OCI)
        .containerize(Containerizer.to(RegistryImage.named(image))
            .setAllowInsecureRegistries(true)     // Berth serves plain HTTP on loopback
            .setBaseImageLayersCache(work.resolve("cache/base"))
            .setApplicationLayersCache(work.resolve("cache/app")));

    // What Jib did, request by request: one manifest PUT, the config and the layer uploaded.
    berth.journal().verify(1, RequestPattern.put(Route.MANIFEST).repository("examples/jib")
        .status(201));
    assertEquals(2, berth.journal().requestCount(RequestPattern.put(Route.UPLOAD).status(201)));
    // What the registry holds: the manifest Jib computed, under the tag.
    StoredManifest stored = content.manifest("examples/jib", "1.0");
    assertEquals(pushed.getDigest().toString(), stored.digest());
    assertEquals("application/vnd.oci.image.manifest.v1+json", stored.mediaType());

    // Attach an SBOM to the image and find it through the referrers API.
    PushedArtifact sbom = content.artifact("examples/jib")
        .subject(content.manifest("examples/jib", "1.0"))
        .artifactType("application/spdx+json")
        .blob("{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"jib-example\"}", "application/spdx+json")
        .push();
    List<Referrer> referrers = content.referrers("examples/jib", stored.digest());
    assertEquals(List.of(sbom.digest()), referrers.stream().map(Referrer::digest).toList());
    assertEquals("application/spdx+json", referrers.get(0).artifactType().orElseThrow());
  }
}
