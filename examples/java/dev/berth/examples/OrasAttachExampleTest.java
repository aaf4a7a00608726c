package dev.berth.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.junit5.BerthRuntimeInfo;
import dev.berth.junit5.BerthTest;
import dev.berth.junit5.Faults;
import dev.berth.junit5.RequestPattern;
import dev.berth.junit5.content.PushedImage;
import dev.berth.junit5.content.Referrer;
import dev.berth.junit5.content.TestContent;
import dev.berth.registry.servlet.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.exception.OrasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Testing an artifact client against Berth: the ORAS Java SDK attaches a signature to an image
 * the test pushed in one call; the test checks the referrers and the requests. A second test
 * switches the referrers API off to see how the client copes with a registry that lacks it.
 */
@BerthTest
class OrasAttachExampleTest {

  static final String SIGNATURE = "application/vnd.example.signature.v1+json";

  land.oras.Registry oras;
  PushedImage image;
  Path signature;

  @BeforeEach
  void setUp(BerthRuntimeInfo berth, TestContent content, @TempDir Path work) throws Exception {
    // insecure(host): plain HTTP, no credentials.
    oras = land.oras.Registry.builder().insecure(berth.authority()).build();
    image = content.image("examples/app").layers(2, 4096).tag("v1").push();
    signature = Files.writeString(work.resolve("signature.json"), "{\"signed\":true}\n");
  }

  @AfterEach
  void tearDown() {
    // The SDK's transfer threads are not daemons.
    oras.getExecutorService().shutdown();
  }

  @Test
  void orasAttachesASignature(BerthRuntimeInfo berth, TestContent content) {
    ContainerRef ref = ContainerRef.parse(berth.authority() + "/examples/app:v1");

    Manifest attached = oras.attachArtifact(ref, ArtifactType.from(SIGNATURE),
        LocalPath.of(signature, SIGNATURE));

    // The registry lists it as a referrer of the image, to the SDK and to the test alike.
    List<ManifestDescriptor> seen = oras.getReferrers(ref.withDigest(image.digest()), null)
        .getManifests();
    assertEquals(List.of(attached.getDescriptor().getDigest()),
        seen.stream().map(ManifestDescriptor::getDigest).toList());
    List<Referrer> referrers = content.referrers(image);
    assertEquals(SIGNATURE, referrers.get(0).artifactType().orElseThrow());
    // What the SDK sent: one manifest PUT for the signature (the image was pushed before), and a
    // referrers query.
    berth.journal().verify(2, RequestPattern.put(Route.MANIFEST).repository("examples/app"));
    berth.journal().verify(RequestPattern.get(Route.REFERRERS).status(200));
  }

  @Test
  void withoutTheReferrersApiTheSdkRefusesToAttach(BerthRuntimeInfo berth, Faults faults,
      TestContent content) {
    faults.disableReferrersApi();
    ContainerRef ref = ContainerRef.parse(berth.authority() + "/examples/app:v1");

    // ORAS Java 0.7 has no fallback to the sha256-<hex> tag schema: it needs OCI-Subject.
    OrasException e = assertThrows(OrasException.class, () -> oras.attachArtifact(ref,
        ArtifactType.from(SIGNATURE), LocalPath.of(signature, SIGNATURE)));
    assertTrue(e.getMessage().contains("OCI subject header"), e::getMessage);
    // The registry stored the signature anyway; with the API back on it is listed.
    faults.clear();
    assertEquals(1, content.referrers(image).size());
  }
}
