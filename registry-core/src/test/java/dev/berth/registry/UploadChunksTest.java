package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How chunks are kept (docs/design/uploads.md), on memory and on disk: each under a name of its
 * own with the digest of the bytes so far beside it, so that another instance completes without
 * reading the upload again; and a session that holds two chunks at one offset is refused rather
 * than joined in some order.
 */
class UploadChunksTest {
  static final RepositoryName APP = RepositoryName.parse("app");
  static final byte[] CONTENT = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(
      StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  Storage storage(String kind) {
    return spy(kind.equals("memory") ? InMemoryStorage.create()
        : FileSystemStorage.at(dir.resolve("data")));
  }

  static UploadStatus append(Registry registry, String id, int from, int to) {
    return registry.uploads().append(APP, id, new ByteArrayInputStream(
        Arrays.copyOfRange(CONTENT, from, to)), new ContentRange(from, to - 1), to - from);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "filesystem"})
  void anotherInstanceCompletesWithoutReadingTheChunks(String kind) throws IOException {
    Storage storage = storage(kind);
    Registry first = Registry.builder().storage(storage).build();
    Registry second = Registry.builder().storage(storage).build();
    String id = first.uploads().start(APP).id();
    append(first, id, 0, 10);
    append(first, id, 10, 36);

    assertEquals(36, second.uploads().complete(APP, id, Digest.sha256(CONTENT)).size());

    verify(storage, never()).open(argThat(p -> p.contains("/_berth/parts/")), anyLong());
    try (InputStream in = second.blobs().open(APP, Digest.sha256(CONTENT), 0)) {
      assertArrayEquals(CONTENT, in.readAllBytes());
    }
    first.close();
    second.close();
    storage.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "filesystem"})
  void aChunkThroughAnInstanceWithoutTheRunningHashIsVerifiedByReading(String kind) {
    Storage storage = storage(kind);
    Registry first = Registry.builder().storage(storage).build();
    Registry second = Registry.builder().storage(storage).build();
    String id = first.uploads().start(APP).id();
    append(first, id, 0, 10);
    append(second, id, 10, 36);
    Digest wrong = Digest.sha256("not it".getBytes(StandardCharsets.UTF_8));
    String other = first.uploads().start(APP).id();
    append(first, other, 0, 10);
    append(second, other, 10, 36);

    RegistryException e = assertThrows(RegistryException.class,
        () -> first.uploads().complete(APP, id, wrong));
    assertEquals(ErrorCode.DIGEST_INVALID, e.errors().get(0).code());
    assertEquals(36, first.uploads().complete(APP, other, Digest.sha256(CONTENT)).size());
    verify(storage, atLeastOnce()).open(argThat(p -> p.contains(other + "/_berth/parts/")),
        anyLong());
    first.close();
    second.close();
    storage.close();
  }

  /** What a chunk that lost a race leaves when its process dies before deleting itself. */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "filesystem"})
  void twoChunksAtOneOffsetAreRefusedNotJoined(String kind) {
    Storage storage = storage(kind);
    Registry registry = Registry.builder().storage(storage).build();
    String id = registry.uploads().start(APP).id();
    append(registry, id, 0, 10);
    String parts = StoragePaths.uploadParts(APP, id);
    storage.write(parts + "/" + StoragePaths.partName(0) + ".stranger", new byte[10]);

    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.uploads().complete(APP, id, Digest.sha256(Arrays.copyOf(CONTENT, 10))));
    assertEquals(ErrorCode.BLOB_UPLOAD_INVALID, e.errors().get(0).code());
    assertTrue(e.getMessage().contains("two chunks at offset 0"), e.getMessage());
    assertTrue(storage.stat(StoragePaths.blobData(Digest.sha256(Arrays.copyOf(CONTENT, 10))))
        .isEmpty());
    registry.close();
    storage.close();
  }

  /** Sessions that earlier versions wrote, with chunks named by their offset alone, complete. */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "filesystem"})
  void chunksNamedByTheirOffsetAloneAreRead(String kind) {
    Storage storage = storage(kind);
    Registry registry = Registry.builder().storage(storage).build();
    String id = registry.uploads().start(APP).id();
    storage.write(StoragePaths.uploadPart(APP, id, 0), Arrays.copyOfRange(CONTENT, 0, 20));
    assertEquals(20, registry.uploads().status(APP, id).size());
    append(registry, id, 20, 36);

    assertEquals(36, registry.uploads().complete(APP, id, Digest.sha256(CONTENT)).size());
    assertEquals(List.of(), storage.list(StoragePaths.uploadsDirectory(APP)));
    registry.close();
    storage.close();
  }
}
