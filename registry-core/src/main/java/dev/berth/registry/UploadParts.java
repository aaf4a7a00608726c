package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The received bytes of one upload session (docs/design/uploads.md):
 * <ul>
 *   <li>{@code _berth/parts/<offset, 20 digits>.<write id>}: one object per chunk. The names sort
 *       by offset; the write id makes every chunk's name its own, so that no write ever replaces
 *       another's bytes, whatever the store's create-if-absent guarantees across instances.
 *   <li>{@code _berth/digests/<the part's name>}: the SHA-256 of the session's bytes up to the end
 *       of that chunk, written by the instance that received it when it held the running hash, so
 *       that any instance completes the upload without reading it again. Bound to one part by its
 *       name: nobody else writes either object.
 * </ul>
 * A chunk is kept only if, once committed, no other chunk is found at its offset (a concurrent
 * PATCH); otherwise it deletes itself and is refused. Of two racing chunks at most one is kept.
 * Parts named by their offset alone were written by earlier versions and are read as chunks.
 */
final class UploadParts {
  private static final int BUFFER = 256 * 1024;

  record Part(String name, String path, long offset, long size) {
    long end() {
      return offset + size;
    }
  }

  private final Storage storage;
  private final RepositoryName repository;
  private final String id;
  private final String partsDir;

  UploadParts(Storage storage, RepositoryName repository, String id) {
    this.storage = storage;
    this.repository = repository;
    this.id = id;
    this.partsDir = StoragePaths.uploadParts(repository, id);
  }

  /** Where the next chunk starts: the end of the last part. */
  long size() {
    List<String> names = storage.list(partsDir);
    for (int i = names.size() - 1; i >= 0; i--) {
      long offset = offsetOf(names.get(i));
      if (offset >= 0) {
        long size = storage.stat(partsDir + "/" + names.get(i)).map(StorageEntry::size).orElse(0L);
        return offset + size;
      }
    }
    return 0;
  }

  /**
   * The parts in order, one per offset, contiguous from 0; a gap (a part lost meanwhile) or two
   * parts at one offset (concurrent PATCHes still settling) is {@code BLOB_UPLOAD_INVALID}.
   */
  List<Part> list() {
    List<Part> parts = new ArrayList<>();
    storage.walk(partsDir, e -> {
      String name = e.path().substring(partsDir.length() + 1);
      long offset = offsetOf(name);
      if (offset >= 0) {
        parts.add(new Part(name, e.path(), offset, e.size()));
      }
    });
    parts.sort(Comparator.comparing(Part::name));
    long expected = 0;
    for (Part part : parts) {
      if (part.offset != expected) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "upload " + id
            + (part.offset < expected ? " has two chunks at offset " + part.offset
                + " (concurrent PATCH requests)" : " has a gap: a chunk at " + part.offset
                + " follows " + expected + " bytes"));
      }
      expected = part.end();
    }
    return parts;
  }

  /** A new chunk at {@code offset}, under a name of its own. */
  Chunk chunk(long offset) {
    return new Chunk(offset, StoragePaths.partName(offset) + "."
        + UUID.randomUUID().toString().replace("-", ""));
  }

  /** One chunk being received. */
  final class Chunk {
    private final long offset;
    private final String name;
    private final StorageWriter writer;

    private Chunk(long offset, String name) {
      this.offset = offset;
      this.name = name;
      this.writer = storage.writer(partsDir + "/" + name);
    }

    StorageWriter writer() {
      return writer;
    }

    /**
     * Commits the chunk and keeps it if it is alone at its offset. A chunk that finds another
     * there deletes itself: so of racing chunks, the one that committed while it was alone is kept
     * (and each later one sees it), or none when they committed at once.
     *
     * @param movedNext the chunk is the last of a closing request, moved into the blob before the
     *     answer: its bytes are flushed, its name here need not be
     * @return whether the chunk was kept
     */
    boolean commit(boolean movedNext) {
      if (movedNext) {
        writer.commitBeforeMove();
      } else {
        writer.commit();
      }
      String offsetName = StoragePaths.partName(offset);
      boolean alone = storage.list(partsDir, offsetName, 3).stream()
          .noneMatch(n -> n.startsWith(offsetName + ".") && !n.equals(name));
      if (!alone) {
        storage.delete(partsDir + "/" + name);
      }
      return alone;
    }

    /** Records the digest of the session's bytes up to this chunk's end. */
    void recordDigest(Digest upToEnd) {
      storage.write(digestPath(name), upToEnd.toString().getBytes(StandardCharsets.UTF_8), false);
    }
  }

  /**
   * The SHA-256 of all the parts, as the instance that received the last one recorded it, or null
   * when none did (it did not hold the running hash, or a crash came first).
   */
  Digest recordedDigest(List<Part> parts) {
    if (parts.isEmpty()) {
      return Digest.sha256(new byte[0]);
    }
    try {
      Digest d = Digest.tryParse(new String(storage.read(digestPath(parts.get(parts.size() - 1)
          .name)), StandardCharsets.UTF_8));
      return d != null && d.algorithm().equals(Digest.SHA256) ? d : null;
    } catch (ObjectNotFoundException e) {
      return null;
    }
  }

  /** Reads the parts again to digest them (no recorded digest, or another algorithm). */
  Digest digest(List<Part> parts, String algorithm) {
    MessageDigest md = Digest.newMessageDigest(algorithm);
    byte[] buffer = new byte[BUFFER];
    for (Part part : parts) {
      try (InputStream in = storage.open(part.path, 0)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      } catch (IOException e) {
        throw new StorageException("read upload " + id, e);
      } catch (ObjectNotFoundException e) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
            "upload " + id + " lost a chunk while it was being verified");
      }
    }
    return Digest.fromHash(algorithm, md.digest());
  }

  /** Moves verified parts into one object at {@code target} (the store joins them). */
  void place(List<Part> parts, String target) {
    storage.move(parts.stream().map(Part::path).toList(), target);
  }

  private String digestPath(String partName) {
    return StoragePaths.uploadDigest(repository, id, partName);
  }

  /** The offset a part's name gives, or -1 for a name that is not a part's. */
  static long offsetOf(String name) {
    int dot = name.indexOf('.');
    String digits = dot < 0 ? name : name.substring(0, dot);
    if (digits.length() != 20 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
