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
import java.util.OptionalLong;

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

  /** One blob or child manifest a manifest names, and what was found of it. */
  private static final class Ref {
    final Descriptor descriptor;
    final String what;
    final String link;
    final boolean child;
    boolean linked;
    /** The size of its bytes, -1 when they or the link were not found. */
    long size = -1;

    Ref(Descriptor descriptor, String what, String link, boolean child) {
      this.descriptor = descriptor;
      this.what = what;
      this.link = link;
      this.child = child;
    }
  }

  /** @throws RegistryException with every problem found, when there is one */
  Plan verify(RepositoryName repository, ParsedManifest manifest, String removals) {
    List<RegistryException.Error> errors = new ArrayList<>();
    boolean artifact = MediaTypes.ORAS_ARTIFACT_MANIFEST.equals(manifest.mediaType())
        || MediaTypes.OCI_ARTIFACT_MANIFEST.equals(manifest.mediaType());
    List<Ref> refs = new ArrayList<>();
    if (manifest.config() != null) {
      refs.add(blob(repository, manifest.config(), "config"));
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
      refs.add(blob(repository, blob, artifact ? "blob" : "layer"));
    }
    for (Descriptor child : manifest.manifests()) {
      refs.add(new Ref(child, "manifest", StoragePaths.revisionLink(repository, child.digest()),
          true));
    }
    find(refs, removals);
    boolean emptyBlob = false;
    for (Ref ref : refs) {
      if (ref.size >= 0) {
        checkSize(repository, ref.what, ref.descriptor, ref.size, errors);
      } else if (!ref.child && ref.descriptor.digest().equals(Digest.EMPTY_JSON)) {
        // Clients name the OCI empty blob without pushing it (the ORAS Java SDK never uploads
        // it): accepting the manifest links it (SPEC.md §7).
        checkSize(repository, ref.what, ref.descriptor, DefaultBlobStore.EMPTY_JSON.length,
            errors);
        emptyBlob = true;
      } else {
        errors.add(blobUnknown(repository, ref.what, ref.descriptor.digest()));
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
    return new Plan(emptyBlob);
  }

  private static Ref blob(RepositoryName repository, Descriptor blob, String what) {
    return new Ref(blob, what, StoragePaths.layerLink(repository, blob.digest()), false);
  }

  /**
   * Touches each reference's link (so that a collection spares it), settles against collections
   * on other instances, and then looks for the bytes (and a child's revision link, which is what
   * a collection deletes of a manifest): in that order, a reference found is one no collection
   * is deleting (BlobKeeper#settle). A reference a write here settled moments ago, with no
   * removal in the repository since ({@code removals}, read before this), needs none of that
   * (BlobKeeper#recentlySettled).
   */
  private void find(List<Ref> refs, String removals) {
    List<Ref> unsettled = new ArrayList<>();
    for (Ref ref : refs) {
      OptionalLong size = keeper.recentlySettled(ref.link, removals);
      if (size.isPresent()) {
        ref.linked = true;
        ref.size = size.getAsLong();
      } else {
        unsettled.add(ref);
      }
    }
    if (unsettled.isEmpty()) {
      return;
    }
    List<Digest> digests = unsettled.stream().map(r -> r.descriptor.digest()).toList();
    long[] touched = {0};
    boolean settled = keeper.settle(digests, () -> {
      touched[0] = System.nanoTime();
      for (Ref ref : unsettled) {
        ref.linked = keeper.touchLink(ref.link, ref.descriptor.digest());
      }
    }, () -> {
      for (Ref ref : unsettled) {
        boolean linked = ref.linked && (!ref.child || storage.statObject(ref.link).isPresent());
        ref.size = linked ? storage.statObject(StoragePaths.blobData(ref.descriptor.digest()))
            .map(StorageEntry::size).orElse(-1L) : -1;
      }
      return true;
    });
    if (!settled) {
      throw new RegistryException(ErrorCode.UNAVAILABLE, "garbage collection on another instance"
          + " kept deleting what the manifest names; try again");
    }
    for (Ref ref : unsettled) {
      if (ref.size >= 0) {
        keeper.settled(ref.link, touched[0], ref.size, removals);
      }
    }
  }

  private boolean isManifest(RepositoryName repository, Digest digest) {
    return storage.statObject(StoragePaths.revisionLink(repository, digest)).isPresent();
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
