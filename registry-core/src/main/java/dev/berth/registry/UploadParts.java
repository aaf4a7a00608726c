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
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The received bytes of one upload session: one object per chunk under
 * {@code _uploads/<id>/_berth/parts/}, named by its offset in 20 digits, so that they list in
 * order and a chunk at an offset is committed at most once.
 */
final class UploadParts {
  private static final int BUFFER = 256 * 1024;

  record Part(String path, long offset, long size) {
    long end() {
      return offset + size;
    }
  }

  private final Storage storage;
  private final RepositoryName repository;
  private final String id;

  UploadParts(Storage storage, RepositoryName repository, String id) {
    this.storage = storage;
    this.repository = repository;
    this.id = id;
  }

  /** Where the next chunk starts: the end of the last part. */
  long size() {
    String dir = StoragePaths.uploadParts(repository, id);
    List<String> names = storage.list(dir);
    if (names.isEmpty()) {
      return 0;
    }
    String last = names.get(names.size() - 1);
    long size = storage.stat(dir + "/" + last).map(StorageEntry::size).orElse(0L);
    return Long.parseLong(last) + size;
  }

  /** The parts in order; a gap (a part lost meanwhile) is {@code BLOB_UPLOAD_INVALID}. */
  List<Part> list() {
    String dir = StoragePaths.uploadParts(repository, id);
    List<Part> parts = new ArrayList<>();
    long expected = 0;
    for (String name : storage.list(dir)) {
      long offset;
      try {
        offset = Long.parseLong(name);
      } catch (NumberFormatException e) {
        continue;
      }
      String path = dir + "/" + name;
      long size = storage.stat(path).map(StorageEntry::size).orElseThrow(
          () -> new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "upload " + id
              + " lost its chunk at " + name + " while it was being read"));
      if (offset != expected) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "upload " + id
            + " has a gap: a chunk at " + offset + " follows " + expected + " bytes");
      }
      parts.add(new Part(path, offset, size));
      expected = offset + size;
    }
    return parts;
  }

  /** A writer for the chunk at {@code offset}. */
  StorageWriter writer(long offset) {
    return storage.writer(StoragePaths.uploadPart(repository, id, offset));
  }

  /** Reads the parts again to digest them (after a restart, or on another instance). */
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

  /** Puts verified parts at {@code target}: a move for one part, a concatenation for several. */
  void place(List<Part> parts, String target) {
    if (parts.size() == 1) {
      storage.move(parts.get(0).path, target);
      return;
    }
    try (StorageWriter writer = storage.writer(target)) {
      byte[] buffer = new byte[BUFFER];
      for (Part part : parts) {
        try (InputStream in = storage.open(part.path, 0)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            writer.write(buffer, 0, n);
          }
        }
      }
      writer.commit();
    } catch (IOException e) {
      throw new StorageException("assemble " + target, e);
    }
  }
}
