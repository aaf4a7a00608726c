package dev.berth.junit5.content;

import java.util.List;

/** How {@link TestContent} reaches the registry: its HTTP API, or its Java API. */
interface Transport {

  /** Stores a blob in a repository (nothing happens when it is there already). */
  void putBlob(String repository, String digest, byte[] bytes);

  /** Stores a manifest under a tag or its digest. */
  void putManifest(String repository, String reference, String mediaType, byte[] bytes);

  /** @throws IllegalStateException when the registry has no such manifest */
  StoredManifest manifest(String repository, String reference);

  /** @throws IllegalStateException when the repository has no such blob */
  byte[] blob(String repository, String digest);

  /** Every tag, in lexical order; empty for an unknown repository. */
  List<String> tags(String repository);

  /** Every referrer of a subject, all pages; {@code artifactType} filters when not null. */
  List<Referrer> referrers(String repository, String digest, String artifactType);
}
