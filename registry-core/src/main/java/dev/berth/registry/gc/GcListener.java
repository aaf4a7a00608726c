package dev.berth.registry.gc;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;

/** Hears about a collection's removals (or, in a dry run, what would be removed). */
public interface GcListener {

  GcListener NONE = new GcListener() {};

  default void manifestRemoved(RepositoryName repository, Digest digest) {}

  default void blobRemoved(Digest digest, long size) {}

  default void uploadRemoved(RepositoryName repository, String id) {}
}
