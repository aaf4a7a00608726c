package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.referrers.StorageReferrersIndex;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Base of the core behaviour tests, which run without HTTP on each {@link StorageKind} (the
 * subclass is a {@code @ParameterizedClass}). One {@link TestClock} goes to the registry and,
 * through the builder's {@code inMemory()} / {@code filesystem(...)}, to the storage, so that a
 * test ages objects by advancing it and never sleeps.
 */
abstract class CoreHarness {

  /** The storages a core test runs on. */
  enum StorageKind { IN_MEMORY, FILESYSTEM }

  /** A start on whole seconds, far from the wall clock: a test sees which clock aged what. */
  static final Instant START = Instant.parse("2031-05-04T10:00:00Z");

  @Parameter
  StorageKind kind;

  @TempDir
  Path root;

  TestClock clock = new TestClock(START);
  Registry registry;
  private final List<Registry> opened = new ArrayList<>();

  @AfterEach
  void closeRegistries() {
    opened.forEach(Registry::close);
  }

  /**
   * Whether heap storage gets the storage-backed referrers index too (filesystem storage always
   * has it), for tests of what that index keeps in storage.
   */
  boolean storageIndex;

  /** A builder on this test's storage kind and clock; a new storage unless one is open already. */
  Registry.Builder builder() {
    Registry.Builder b = Registry.builder().clock(clock);
    if (kind == StorageKind.FILESYSTEM) {
      return b.filesystem(root, false);
    }
    if (!storageIndex) {
      return registry == null ? b.inMemory() : b.storage(registry.storage());
    }
    Storage heap = registry == null ? InMemoryStorage.create(clock) : registry.storage();
    return b.storage(heap).referrersIndex(new StorageReferrersIndex(heap));
  }

  /** Builds {@link #registry} (the first one makes the storage; later ones open the same). */
  Registry open(UnaryOperator<Registry.Builder> settings) {
    registry = settings.apply(builder()).build();
    opened.add(registry);
    return registry;
  }

  Registry open() {
    return open(b -> b);
  }

  /** Closes the registry and builds a new one on the same storage, as a restart does. */
  Registry restart(UnaryOperator<Registry.Builder> settings) {
    Registry old = registry;
    Registry.Builder next = settings.apply(builder());
    old.close();
    opened.remove(old);
    registry = next.build();
    opened.add(registry);
    return registry;
  }

  Storage storage() {
    return registry.storage();
  }

  static RepositoryName repo(String name) {
    return RepositoryName.parse(name);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Uploads a whole blob into {@code repository}. */
  Digest blob(String repository, byte[] bytes) {
    Digest digest = Digest.sha256(bytes);
    registry.uploads().putWhole(repo(repository), digest, new ByteArrayInputStream(bytes),
        bytes.length);
    return digest;
  }

  Digest blob(String repository, String text) {
    return blob(repository, utf8(text));
  }

  /** Puts a manifest by tag or digest, with the type its {@code mediaType} says. */
  Digest put(String repository, String reference, TestManifests.Built manifest) {
    return registry.manifests().put(repo(repository), Reference.parse(reference),
        manifest.mediaType(), manifest.bytes()).digest();
  }

  /** Puts a manifest by its own digest (untagged). */
  Digest put(String repository, TestManifests.Built manifest) {
    return put(repository, manifest.digest().toString(), manifest);
  }

  /** Whether the repository holds the manifest (its revision link). */
  boolean hasManifest(String repository, Digest digest) {
    return storage().stat(StoragePaths.revisionLink(repo(repository), digest)).isPresent();
  }

  boolean hasBlobData(Digest digest) {
    return storage().stat(StoragePaths.blobData(digest)).isPresent();
  }

  boolean hasLayerLink(String repository, Digest digest) {
    return storage().stat(StoragePaths.layerLink(repo(repository), digest)).isPresent();
  }

  /** Every object in storage, path to content (bytes kept one to one as ISO-8859-1 chars). */
  Map<String, String> snapshot() {
    Map<String, String> objects = new TreeMap<>();
    storage().walk("", e -> objects.put(e.path(),
        new String(storage().read(e.path()), StandardCharsets.ISO_8859_1)));
    return objects;
  }

  static RegistryException refused(ErrorCode code, Executable action) {
    RegistryException e = assertThrows(RegistryException.class, action);
    if (e.code() != code) {
      throw new AssertionError("expected " + code + " but got " + e.errors(), e);
    }
    return e;
  }
}
