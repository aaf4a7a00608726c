package dev.berth.registry.servlet;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;

/** Builds the paths of {@link Route}: what {@code Location} and {@code Link} headers point at. */
final class Paths {
  private Paths() {}

  static String manifest(RepositoryName name, Digest digest) {
    return "/v2/" + name + "/manifests/" + digest;
  }

  static String blob(RepositoryName name, Digest digest) {
    return "/v2/" + name + "/blobs/" + digest;
  }

  static String upload(RepositoryName name, String id) {
    return "/v2/" + name + "/blobs/uploads/" + id;
  }

  static String tags(RepositoryName name) {
    return "/v2/" + name + "/tags/list";
  }

  static String catalog() {
    return "/v2/_catalog";
  }

  static String referrers(RepositoryName name, Digest subject) {
    return "/v2/" + name + "/referrers/" + subject;
  }

  static String orasReferrers(RepositoryName name, Digest subject) {
    return "/oras/artifacts/v1/" + name + "/manifests/" + subject + "/referrers";
  }
}
