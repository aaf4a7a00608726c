package dev.berth.registry.servlet;

import dev.berth.registry.access.Access;
import dev.berth.registry.access.Permit;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.ManifestContent;
import dev.berth.registry.PutManifestResult;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/** {@code /v2/<name>/manifests/<reference>} and the seed's ORAS manifest route. */
final class ManifestHandlers {
  private final Registry registry;
  private final Events events;

  ManifestHandlers(Registry registry, Events events) {
    this.registry = registry;
    this.events = events;
  }

  /** GET and HEAD: the exact bytes and their stored type. */
  void get(Exchange ex, Reference reference) throws IOException {
    ManifestContent manifest = registry.manifests().get(ex.repository(), reference);
    String etag = "\"" + manifest.digest() + "\"";
    ex.header("Docker-Content-Digest", manifest.digest().toString());
    ex.header("ETag", etag);
    if (reference instanceof Digest) {
      ex.header("Cache-Control", "max-age=31536000, immutable");
    }
    String ifNoneMatch = ex.header("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
      ex.status(304);
      return;
    }
    ex.response.setStatus(200);
    ex.response.setContentType(manifest.mediaType());
    ex.response.setContentLengthLong(manifest.size());
    if (!ex.isHead()) {
      try (OutputStream out = ex.response.getOutputStream()) {
        manifest.writeTo(out);
        ex.bytesOut += manifest.size();
      }
      events.manifestPulled(ex, reference, manifest);
    }
  }

  void get(Exchange ex) throws IOException {
    String ref = ex.path("ref");
    if (ref.indexOf(':') < 0 && !Tag.isValid(ref)) {
      // No manifest can have a name that is not a tag, so a read of one finds nothing: 404, as
      // registry:2 answers (its route does not match). The conformance suite GETs
      // ".INVALID_MANIFEST_NAME" and wants 404. A PUT of such a tag stays 400 TAG_INVALID.
      throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + ref
          + " is not known in repository " + ex.repository() + ": it is not a valid tag");
    }
    get(ex, Reference.parse(ref));
  }

  /** The seed reads artifacts back from {@code /oras/artifacts/v1/<name>/manifests/<digest>}. */
  void getOras(Exchange ex) throws IOException {
    get(ex, Digest.parse(ex.path("digest")));
  }

  /**
   * How much of a manifest body over the limit is read (and dropped) before the 413 is sent. A
   * client that sends its whole body before reading the answer (most HTTP clients) sees a reset
   * connection instead of the 413 when the server answers and closes while it still sends; up to
   * this much is therefore read first. Beyond it the body is cut off and the connection closed.
   */
  static final long DRAIN_BEFORE_REFUSAL = 16L << 20;

  /**
   * PUT: the body is collected as it arrives, then verified and stored. Over the size limit it is
   * 413, after the rest of the body (up to {@link #DRAIN_BEFORE_REFUSAL}) was read and dropped.
   */
  void put(Exchange ex) {
    RepositoryName repository = ex.repository();
    Reference reference = Reference.parse(ex.path("ref"));
    int limit = registry.options().maxManifestBytes();
    long declared = ex.contentLength();
    if (declared > DRAIN_BEFORE_REFUSAL) {
      throw tooLarge("manifest is " + declared + " bytes, over the limit of " + limit);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(
        declared > 0 && declared <= limit ? (int) declared : 4096);
    long[] dropped = {0};
    ex.receive((bytes, offset, length) -> {
      if (dropped[0] > 0 || body.size() + length > limit) {
        dropped[0] += length;
        if (body.size() + dropped[0] > DRAIN_BEFORE_REFUSAL) {
          throw tooLarge("manifest is over the limit of " + limit + " bytes");
        }
        return;
      }
      body.write(bytes, offset, length);
    }, ErrorCode.MANIFEST_TOO_SLOW, ErrorCode.MANIFEST_INVALID, () -> { }, () -> {
      if (dropped[0] > 0) {
        throw tooLarge("manifest is " + (body.size() + dropped[0]) + " bytes, over the limit of "
            + limit);
      }
      if (declared >= 0 && body.size() != declared) {
        throw new RegistryException(ErrorCode.MANIFEST_INVALID, "the manifest body has "
            + body.size() + " bytes but Content-Length said " + declared);
      }
      byte[] bytes = body.toByteArray();
      requireMoveIfTagMoves(ex, repository, reference, bytes);
      PutManifestResult result = registry.manifests().put(repository, reference,
          ex.header("Content-Type"), bytes);
      ex.header("Location", ex.url(Paths.manifest(repository, result.digest())));
      ex.header("Docker-Content-Digest", result.digest().toString());
      result.subject().ifPresent(subject -> ex.header("OCI-Subject", subject.toString()));
      events.manifestPushed(ex, reference, result.digest(), bytes);
      ex.sendEmpty(201);
    });
  }

  private static RegistryException tooLarge(String message) {
    return new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, message);
  }

  /**
   * A PUT that would point an existing tag at another manifest also needs {@code MOVE_TAG} (a
   * policy may let a user push new tags but not move them). Re-pushing what the tag names already
   * moves nothing. Asked once the body is here, before anything is stored; a push racing this one
   * onto the same new tag is not seen (docs/design/auth.md).
   */
  private void requireMoveIfTagMoves(Exchange ex, RepositoryName repository,
      Reference reference, byte[] bytes) {
    if (ex.permit == Permit.ALL || !(reference instanceof Tag tag)) {
      return;
    }
    Optional<Digest> current = registry.tags().resolve(repository, tag);
    if (current.isPresent()
        && !current.get().equals(Digest.of(current.get().algorithm(), bytes))) {
      ex.permit.require(Access.moveTag(repository));
    }
  }

  void delete(Exchange ex) {
    Reference reference = Reference.parse(ex.path("ref"));
    registry.manifests().delete(ex.repository(), reference);
    events.manifestDeleted(ex, reference);
    ex.sendEmpty(202);
  }
}
