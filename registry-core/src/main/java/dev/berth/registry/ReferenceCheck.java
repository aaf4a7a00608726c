package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, before anything is written, that every blob and child manifest a manifest names is in the
 * repository with the size its descriptor gives, and reports every problem at once. It writes
 * nothing: it touches what it finds (so a concurrent collection spares it) and answers whether the
 * OCI empty blob must be linked into the repository as part of accepting the manifest.
 */
final class ReferenceCheck {

  /** What accepting a verified manifest needs besides its own bytes. */
  record Plan(boolean linkEmptyBlob) {}

  private final Storage storage;
  private final BlobKeeper keeper;

  ReferenceCheck(Storage storage, BlobKeeper keeper) {
    this.storage = storage;
    this.keeper = keeper;
  }

  /** @throws RegistryException with every problem found, when there is one */
  Plan verify(RepositoryName repository, ParsedManifest manifest) {
    List<RegistryException.Error> errors = new ArrayList<>();
    boolean artifact = MediaTypes.ORAS_ARTIFACT_MANIFEST.equals(manifest.mediaType())
        || MediaTypes.OCI_ARTIFACT_MANIFEST.equals(manifest.mediaType());
    boolean[] emptyBlob = {false};
    if (manifest.config() != null) {
      checkBlob(repository, manifest.config(), "config", errors, emptyBlob);
    }
    for (Descriptor blob : manifest.blobs()) {
      if (manifest.externalBlobs().contains(blob.digest())) {
        continue;
      }
      if (artifact && isManifest(repository, blob.digest())) {
        errors.add(new RegistryException.Error(ErrorCode.MANIFEST_INVALID, "put manifest in "
            + repository + ": blob " + blob.digest()
            + " is a manifest; an artifact's blobs must not be manifests", null));
        continue;
      }
      checkBlob(repository, blob, artifact ? "blob" : "layer", errors, emptyBlob);
    }
    for (Descriptor child : manifest.manifests()) {
      Optional<StorageEntry> data = keeper.touchLinked(
          StoragePaths.revisionLink(repository, child.digest()), child.digest());
      if (data.isEmpty()) {
        errors.add(blobUnknown(repository, "manifest", child.digest()));
      } else {
        checkSize(repository, "manifest", child, data.get().size(), errors);
      }
    }
    if (MediaTypes.ORAS_ARTIFACT_MANIFEST.equals(manifest.mediaType()) && manifest.subject() != null
        && !isManifest(repository, manifest.subject().digest())) {
      errors.add(new RegistryException.Error(ErrorCode.MANIFEST_BLOB_UNKNOWN, "put manifest in "
          + repository + ": subject " + manifest.subject().digest()
          + " is not a manifest in this repository (an ORAS artifact's subject must exist)",
          Map.of("digest", manifest.subject().digest().toString())));
    }
    if (!errors.isEmpty()) {
      // A size mismatch is the manifest's own fault: report it first, so it decides the status.
      errors.sort((a, b) -> Boolean.compare(a.code() != ErrorCode.MANIFEST_INVALID,
          b.code() != ErrorCode.MANIFEST_INVALID));
      throw new RegistryException(errors);
    }
    return new Plan(emptyBlob[0]);
  }

  private boolean isManifest(RepositoryName repository, Digest digest) {
    return storage.stat(StoragePaths.revisionLink(repository, digest)).isPresent();
  }

  /**
   * A blob must be linked into the repository. The OCI empty blob is the exception: clients name it
   * without pushing it (the ORAS Java SDK never uploads it), so a manifest may name it anyway and
   * accepting the manifest links it (SPEC.md §7).
   */
  private void checkBlob(RepositoryName repository, Descriptor blob, String what,
      List<RegistryException.Error> errors, boolean[] emptyBlob) {
    Optional<StorageEntry> data = keeper.touchLinked(StoragePaths.layerLink(repository,
        blob.digest()), blob.digest());
    if (data.isPresent()) {
      checkSize(repository, what, blob, data.get().size(), errors);
    } else if (blob.digest().equals(Digest.EMPTY_JSON)) {
      checkSize(repository, what, blob, DefaultBlobStore.EMPTY_JSON.length, errors);
      emptyBlob[0] = true;
    } else {
      errors.add(blobUnknown(repository, what, blob.digest()));
    }
  }

  private static void checkSize(RepositoryName repository, String what, Descriptor d, long actual,
      List<RegistryException.Error> errors) {
    if (d.size() != actual) {
      errors.add(new RegistryException.Error(ErrorCode.MANIFEST_INVALID, "put manifest in "
          + repository + ": " + what + " " + d.digest() + " is " + actual
          + " bytes, but the descriptor says " + d.size(), null));
    }
  }

  private static RegistryException.Error blobUnknown(RepositoryName repository, String what,
      Digest digest) {
    return new RegistryException.Error(ErrorCode.MANIFEST_BLOB_UNKNOWN, "put manifest in "
        + repository + ": " + what + " " + digest + " is not known in this repository",
        Map.of("digest", digest.toString()));
  }
}
