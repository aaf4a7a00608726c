package dev.berth.registry.layout;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;

/**
 * The whole on-disk format, in one place. It is distribution's ({@code registry:2}) layout, so that
 * a directory written by one is served by the other, plus Berth's own data under names that
 * {@code registry:2} ignores ({@code _referrers}, {@code _berth}, {@code .berth-tmp}).
 *
 * <pre>
 * docker/registry/v2/
 * ├── blobs/&lt;alg&gt;/&lt;hh&gt;/&lt;hex&gt;/data                          raw bytes of every blob and manifest
 * ├── _berth/                                             registry-wide Berth state
 * │   ├── referrers-index-version                         written once the index is complete
 * │   ├── pending/&lt;id&gt;                                    a multi-object change in flight (JSON)
 * │   ├── health/&lt;probe id&gt;                              a readiness probe's object, for a moment
 * │   ├── outbox/&lt;endpoint&gt;/&lt;time-ordered name&gt;           a webhook event not yet delivered (JSON)
 * │   ├── outbox-lease/&lt;endpoint&gt;/&lt;generation&gt;            the instance delivering the endpoint
 * │   └── gc/
 * │       ├── lease/&lt;generation, 20 digits&gt;                 the running collection's lease (JSON)
 * │       └── sweeping/&lt;alg&gt;-&lt;hex&gt;                        a digest a collector is deleting now
 * └── repositories/&lt;name&gt;/                                 names nest: a/b/c
 *     ├── _layers/&lt;alg&gt;/&lt;hex&gt;/link                          "sha256:..." makes a blob visible here
 *     ├── _manifests/
 *     │   ├── revisions/&lt;alg&gt;/&lt;hex&gt;/link                 a manifest of this repository
 *     │   └── tags/&lt;tag&gt;/
 *     │       ├── current/link                            the tag's manifest now
 *     │       └── index/&lt;alg&gt;/&lt;hex&gt;/link                 every manifest it has named
 *     ├── _berth/tags-generation                          changes on every tag change (Berth's)
 *     ├── _berth/removals                                 changes after every removal of a link
 *     ├── _berth/proxy/tags/&lt;tag&gt;                          a cached tag's digest and fetch time
 *     ├── _berth/proxy/referrers/&lt;alg&gt;-&lt;hex&gt;              a subject's upstream referrers (JSON)
 *     ├── _berth/proxy/pulled                             cached tags' last pull times (batched)
 *     ├── _uploads/&lt;id&gt;/
 *     │   ├── startedat                                   RFC 3339 start time (registry:2's)
 *     │   └── _berth/
 *     │       ├── parts/&lt;offset, 20 digits&gt;.&lt;write id&gt;    Berth's received bytes, one object per chunk
 *     │       └── digests/&lt;part name&gt;                   SHA-256 of the bytes up to that chunk's end
 *     └── _referrers/subjects/&lt;alg&gt;/&lt;hex&gt;/              Berth's referrers index for one subject
 *         ├── generation                                  changes on every change below
 *         ├── snapshot                                    a large subject's entries at one generation
 *         └── entries/&lt;alg&gt;-&lt;hex&gt;                        one referrer's descriptor (JSON)
 * </pre>
 *
 * <p>Link files hold the digest string without a newline.
 */
public final class StoragePaths {
  private StoragePaths() {}

  public static final String ROOT = "docker/registry/v2";
  public static final String BLOBS = ROOT + "/blobs";
  public static final String REPOSITORIES = ROOT + "/repositories";
  public static final String BERTH = ROOT + "/_berth";

  public static final String LAYERS = "_layers";
  public static final String MANIFESTS = "_manifests";
  public static final String UPLOADS = "_uploads";
  public static final String REFERRERS = "_referrers";

  /** {@code blobs/<alg>/<hh>/<hex>}: the directory of one blob. */
  public static String blobDirectory(Digest digest) {
    String hex = digest.encoded();
    return BLOBS + "/" + digest.algorithm() + "/" + hex.substring(0, Math.min(2, hex.length())) + "/"
        + hex;
  }

  /** {@code blobs/<alg>/<hh>/<hex>/data}: the bytes of a blob or manifest. */
  public static String blobData(Digest digest) {
    return blobDirectory(digest) + "/data";
  }

  /** The digest a {@code blobs/<alg>/<hh>/<hex>/data} path names, or null for any other path. */
  public static Digest digestOfBlobData(String path) {
    if (!path.startsWith(BLOBS + "/") || !path.endsWith("/data")) {
      return null;
    }
    String[] parts = path.substring(BLOBS.length() + 1).split("/");
    return parts.length != 4 ? null : Digest.tryParse(parts[0] + ":" + parts[2]);
  }

  public static String repository(RepositoryName name) {
    return REPOSITORIES + "/" + name.value();
  }

  public static String layersDirectory(RepositoryName name) {
    return repository(name) + "/" + LAYERS;
  }

  /** {@code _layers/<alg>/<hex>}: the directory holding a blob's link. */
  public static String layerDirectory(RepositoryName name, Digest digest) {
    return layersDirectory(name) + "/" + digest.algorithm() + "/" + digest.encoded();
  }

  /** {@code _layers/<alg>/<hex>/link}. */
  public static String layerLink(RepositoryName name, Digest digest) {
    return layerDirectory(name, digest) + "/link";
  }

  public static String manifestsDirectory(RepositoryName name) {
    return repository(name) + "/" + MANIFESTS;
  }

  public static String revisionsDirectory(RepositoryName name) {
    return manifestsDirectory(name) + "/revisions";
  }

  /** {@code _manifests/revisions/<alg>/<hex>}: the directory holding a revision's link. */
  public static String revisionDirectory(RepositoryName name, Digest digest) {
    return revisionsDirectory(name) + "/" + digest.algorithm() + "/" + digest.encoded();
  }

  /** {@code _manifests/revisions/<alg>/<hex>/link}. */
  public static String revisionLink(RepositoryName name, Digest digest) {
    return revisionDirectory(name, digest) + "/link";
  }

  public static String tagsDirectory(RepositoryName name) {
    return manifestsDirectory(name) + "/tags";
  }

  public static String tagDirectory(RepositoryName name, Tag tag) {
    return tagsDirectory(name) + "/" + tag.value();
  }

  /** {@code _manifests/tags/<tag>/current/link}. */
  public static String tagCurrentLink(RepositoryName name, Tag tag) {
    return tagDirectory(name, tag) + "/current/link";
  }

  /** {@code _manifests/tags/<tag>/index/<alg>/<hex>}: one entry of a tag's history. */
  public static String tagIndexEntry(RepositoryName name, Tag tag, Digest digest) {
    return tagDirectory(name, tag) + "/index/" + digest.algorithm() + "/" + digest.encoded();
  }

  /** {@code _manifests/tags/<tag>/index/<alg>/<hex>/link}. */
  public static String tagIndexLink(RepositoryName name, Tag tag, Digest digest) {
    return tagIndexEntry(name, tag, digest) + "/link";
  }

  /**
   * {@code repositories/<name>/_berth/tags-generation}: rewritten with a fresh value after every
   * change to the repository's tags, so that a cached tag listing can be validated with one read.
   */
  public static String tagsGeneration(RepositoryName name) {
    return repository(name) + "/_berth/tags-generation";
  }

  /**
   * {@code repositories/<name>/_berth/removals}: rewritten with a fresh value after every removal
   * of one of the repository's blob links or manifest revisions, so that a write can tell with
   * one read whether what it found there moments ago may have gone since (BlobKeeper).
   */
  public static String removals(RepositoryName name) {
    return repository(name) + "/_berth/removals";
  }

  public static String uploadsDirectory(RepositoryName name) {
    return repository(name) + "/" + UPLOADS;
  }

  public static String uploadDirectory(RepositoryName name, String id) {
    return uploadsDirectory(name) + "/" + id;
  }

  /** {@code _uploads/<id>/startedat}. */
  public static String uploadStartedAt(RepositoryName name, String id) {
    return uploadDirectory(name, id) + "/startedat";
  }

  /** {@code _uploads/<id>/_berth/parts}: Berth's chunks of one upload. */
  public static String uploadParts(RepositoryName name, String id) {
    return uploadDirectory(name, id) + "/_berth/parts";
  }

  /**
   * One chunk as earlier versions named it: by its offset in 20 digits, so that names sort by
   * offset. Chunks are now {@code <offset>.<write id>} (see {@code UploadParts}).
   */
  public static String uploadPart(RepositoryName name, String id, long offset) {
    return uploadParts(name, id) + "/" + partName(offset);
  }

  /**
   * {@code _uploads/<id>/_berth/digests/<part name>}: the SHA-256 of an upload's bytes up to the
   * end of that part.
   */
  public static String uploadDigest(RepositoryName name, String id, String partName) {
    return uploadDirectory(name, id) + "/_berth/digests/" + partName;
  }

  public static String partName(long offset) {
    return String.format("%020d", offset);
  }

  public static String referrersDirectory(RepositoryName name) {
    return repository(name) + "/" + REFERRERS;
  }

  /** {@code _referrers/subjects/<alg>/<hex>}: one subject's part of the referrers index. */
  public static String referrersSubject(RepositoryName name, Digest subject) {
    return referrersDirectory(name) + "/subjects/" + subject.algorithm() + "/" + subject.encoded();
  }

  public static String referrersGeneration(RepositoryName name, Digest subject) {
    return referrersSubject(name, subject) + "/generation";
  }

  /**
   * {@code _referrers/subjects/<alg>/<hex>/snapshot}: all of a large subject's entries in one
   * object, with the generation they were read under, so that a cold start reads one object.
   */
  public static String referrersSnapshot(RepositoryName name, Digest subject) {
    return referrersSubject(name, subject) + "/snapshot";
  }

  public static String referrersEntries(RepositoryName name, Digest subject) {
    return referrersSubject(name, subject) + "/entries";
  }

  /** {@code entries/<alg>-<hex>}: names sort as the digests do. */
  public static String referrersEntry(RepositoryName name, Digest subject, Digest referrer) {
    return referrersEntries(name, subject) + "/" + entryName(referrer);
  }

  public static String entryName(Digest referrer) {
    return referrer.algorithm() + "-" + referrer.encoded();
  }

  /** The digest an {@code entries/} name stands for, or null. */
  public static Digest digestOfEntryName(String name) {
    int dash = name.indexOf('-');
    if (dash <= 0) {
      return null;
    }
    String candidate = name.substring(0, dash) + ":" + name.substring(dash + 1);
    return Digest.tryParse(candidate);
  }

  /**
   * {@code _berth/pending}: one object per multi-object change in flight (a referrer's manifest
   * and its index entry, a tag listing and its generation), removed when the change is done. What
   * is left after a crash names what the next start must reconcile.
   */
  public static String pendingDirectory() {
    return BERTH + "/pending";
  }

  public static String pending(String id) {
    return pendingDirectory() + "/" + id;
  }

  /**
   * {@code _berth/outbox/<endpoint>}: one object per webhook event waiting for the endpoint, named
   * so that name order is emission order (docs/design/webhooks.md).
   */
  public static String outboxDirectory(String endpoint) {
    return BERTH + "/outbox/" + endpoint;
  }

  /** {@code _berth/outbox-lease/<endpoint>}: which instance delivers the endpoint's outbox. */
  public static String outboxLeaseDirectory(String endpoint) {
    return BERTH + "/outbox-lease/" + endpoint;
  }

  /**
   * {@code _berth/gc/lease}: one object per lease generation; the highest names the collection
   * that may run now, across instances (see {@code GcLease}).
   */
  public static String gcLeaseDirectory() {
    return BERTH + "/gc/lease";
  }

  public static String gcLease(long generation) {
    return gcLeaseDirectory() + "/" + partName(generation);
  }

  /**
   * {@code _berth/gc/sweeping}: a collector announces here each digest it is about to delete, for
   * the moment of its last look and its delete, so that writers on other instances can wait.
   */
  public static String gcSweepingDirectory() {
    return BERTH + "/gc/sweeping";
  }

  public static String gcSweeping(Digest digest) {
    return gcSweepingDirectory() + "/" + entryName(digest);
  }

  /**
   * {@code _berth/health/<id>}: what a readiness probe writes, reads back and deletes, to learn
   * that the storage is reachable and writable ({@code /readyz}).
   */
  public static String healthProbe(String id) {
    return BERTH + "/health/" + id;
  }

  /** Registry-wide marker: the referrers index format version, written once the index is complete. */
  public static String referrersIndexVersion() {
    return BERTH + "/referrers-index-version";
  }

  /**
   * {@code repositories/<name>/_berth/proxy/tags/<tag>}: a tag fetched from an upstream, as
   * {@code <digest>\n<RFC 3339 time>} (docs/design/proxy.md); a tag without one is local.
   */
  public static String proxyTag(RepositoryName name, Tag tag) {
    return proxyTags(name) + "/" + tag.value();
  }

  /** The folder of {@link #proxyTag} records. */
  public static String proxyTags(RepositoryName name) {
    return repository(name) + "/_berth/proxy/tags";
  }

  /**
   * {@code repositories/<name>/_berth/proxy/pulled}: when cached tags were last pulled, one
   * {@code <tag> <RFC 3339 time>} line each, written in batches (docs/design/proxy.md).
   */
  public static String proxyPulled(RepositoryName name) {
    return repository(name) + "/_berth/proxy/pulled";
  }

  /**
   * {@code repositories/<name>/_berth/proxy/referrers/<alg>-<hex>}: the upstream's referrers of
   * one subject and when they were fetched (JSON).
   */
  public static String proxyReferrers(RepositoryName name, Digest subject) {
    return repository(name) + "/_berth/proxy/referrers/" + entryName(subject);
  }
}
