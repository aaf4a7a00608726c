package dev.berth.junit5.content;

import dev.berth.registry.ManifestContent;
import dev.berth.registry.Page;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.referrers.ReferrersPage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Straight into a {@link Registry}: no HTTP, nothing journaled. */
final class DirectTransport implements Transport {

  private final Supplier<Registry> registry;

  DirectTransport(Supplier<Registry> registry) {
    this.registry = registry;
  }

  @Override
  public void putBlob(String repository, String digest, byte[] bytes) {
    RepositoryName name = RepositoryName.parse(repository);
    Digest d = Digest.parse(digest);
    if (registry.get().blobs().stat(name, d).isEmpty()) {
      registry.get().uploads().putWhole(name, d, new ByteArrayInputStream(bytes), bytes.length);
    }
  }

  @Override
  public void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
    registry.get().manifests().put(RepositoryName.parse(repository), Reference.parse(reference),
        mediaType, bytes);
  }

  @Override
  public StoredManifest manifest(String repository, String reference) {
    try {
      ManifestContent m = registry.get().manifests().get(RepositoryName.parse(repository),
          Reference.parse(reference));
      return new StoredManifest(m.digest().toString(), m.mediaType(), m.bytes());
    } catch (RegistryException e) {
      throw new IllegalStateException("no manifest " + repository + ":" + reference + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public byte[] blob(String repository, String digest) {
    try (InputStream in = registry.get().blobs().open(RepositoryName.parse(repository),
        Digest.parse(digest), 0)) {
      return in.readAllBytes();
    } catch (RegistryException e) {
      throw new IllegalStateException("no blob " + digest + " in " + repository + ": "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading blob " + digest + " of " + repository, e);
    }
  }

  @Override
  public List<String> tags(String repository) {
    List<String> all = new ArrayList<>();
    String last = null;
    try {
      do {
        Page page = registry.get().tags().list(RepositoryName.parse(repository), last, 1000);
        all.addAll(page.items());
        last = page.next().orElse(null);
      } while (last != null);
    } catch (RegistryException e) {
      if (e.code() == ErrorCode.NAME_UNKNOWN) {
        return List.of();
      }
      throw e;
    }
    return all;
  }

  @Override
  public List<Referrer> referrers(String repository, String digest, String artifactType) {
    List<Referrer> all = new ArrayList<>();
    Digest after = null;
    do {
      ReferrersPage page = registry.get().referrers(RepositoryName.parse(repository),
          Digest.parse(digest), artifactType, after, 1000);
      for (Descriptor d : page.referrers()) {
        all.add(new Referrer(d.digest().toString(), d.mediaType(),
            Optional.ofNullable(d.artifactType()), d.size(), d.annotations()));
      }
      after = page.next().orElse(null);
    } while (after != null);
    return all;
  }
}
