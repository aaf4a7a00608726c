package dev.berth.registry;

import static dev.berth.registry.TestManifests.EMPTY_CONFIG;
import static dev.berth.registry.TestManifests.image;
import static dev.berth.registry.TestManifests.index;
import static dev.berth.registry.TestManifests.layer;
import static dev.berth.registry.TestManifests.orasArtifact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validate, then write: a manifest PUT that is refused leaves the storage exactly as it was, every
 * object's path and content, even when part of the manifest (the OCI empty descriptor, which an
 * accepted manifest links) would have been fine. The repository it named stays unknown.
 */
@ParameterizedClass
@EnumSource(CoreHarness.StorageKind.class)
class RefusedManifestWritesNothingTest extends CoreHarness {

  static final byte[] MISSING = utf8("a layer nobody pushed");

  /** Something in storage already: another repository that linked the empty blob. */
  void somethingStoredBefore() {
    byte[] layerBytes = utf8("pushed elsewhere");
    blob("elsewhere", layerBytes);
    put("elsewhere", "v1", image("elsewhere", List.of(layer(layerBytes))));
  }

  static Stream<Arguments> refusals() {
    TestManifests.Built absentSubject = image("absent subject", List.of());
    TestManifests.Built absentChild = image("absent child", List.of());
    return Stream.of(
        refusal("the empty config and a missing layer, by tag", "v1",
            ErrorCode.MANIFEST_BLOB_UNKNOWN,
            image("empty and missing", List.of(layer(MISSING)))),
        refusal("the same, by digest", null, ErrorCode.MANIFEST_BLOB_UNKNOWN,
            image("empty and missing", List.of(layer(MISSING)))),
        refusal("a referrer with a missing layer", null, ErrorCode.MANIFEST_BLOB_UNKNOWN,
            TestManifests.referrer("referrer", absentSubject, "application/vnd.example",
                List.of(layer(MISSING)))),
        refusal("an ORAS artifact whose subject is missing", "sig",
            ErrorCode.MANIFEST_BLOB_UNKNOWN,
            orasArtifact("oras", "application/vnd.example", List.of(EMPTY_CONFIG),
                absentSubject)),
        refusal("the empty blob with the wrong size", "v1", ErrorCode.MANIFEST_INVALID,
            image("wrong size", Descriptor.of(MediaTypes.OCI_EMPTY, Digest.EMPTY_JSON, 3),
                List.of(), null, null)),
        refusal("an index with a missing child", "multi", ErrorCode.MANIFEST_BLOB_UNKNOWN,
            index("index", List.of(absentChild), null, null)));
  }

  static Arguments refusal(String what, String tag, ErrorCode code,
      TestManifests.Built manifest) {
    return Arguments.of(what, tag, code, manifest);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aRefusedPutChangesNoObject(String what, String tag, ErrorCode code,
      TestManifests.Built manifest) {
    open();
    somethingStoredBefore();
    Map<String, String> before = snapshot();

    refused(code, () -> put("never/existed", tag != null ? tag : manifest.digest().toString(),
        manifest));

    assertEquals(before, snapshot(), what);
    assertEquals(List.of("elsewhere"), registry.catalog(null, 100).items());
    refused(ErrorCode.NAME_UNKNOWN, () -> registry.tags().list(repo("never/existed"), null, 10));
  }

  /** Every missing blob is reported at once, each with its digest. */
  @Test
  void everyMissingBlobIsReported() {
    open();
    byte[] other = utf8("another layer nobody pushed");
    Map<String, String> before = snapshot();

    RegistryException e = refused(ErrorCode.MANIFEST_BLOB_UNKNOWN, () -> put("never/existed", "v1",
        image("two missing", List.of(layer(MISSING), layer(other)))));

    assertEquals(List.of(Digest.sha256(MISSING).toString(), Digest.sha256(other).toString()),
        e.errors().stream().map(err -> ((Map<?, ?>) err.detail()).get("digest")).toList());
    assertEquals(before, snapshot());
  }
}
