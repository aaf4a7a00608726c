package dev.berth.registry.servlet;

import dev.berth.registry.BlobInfo;
import dev.berth.registry.Registry;
import dev.berth.registry.UploadBody;
import dev.berth.registry.UploadStatus;
import dev.berth.registry.access.Access;
import dev.berth.registry.access.Permit;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import java.util.Optional;

/**
 * {@code /v2/<name>/blobs/uploads/[<id>]}: sessions, chunks, monolithic pushes and mounts. Bodies go
 * into an {@link UploadBody} as they arrive ({@link Exchange#receive}); a chunk that breaks off or is
 * cut off for arriving too slowly keeps what arrived, so the client resumes after it.
 */
final class UploadHandlers {
  private final Registry registry;
  private final Events events;

  UploadHandlers(Registry registry, Events events) {
    this.registry = registry;
    this.events = events;
  }

  /**
   * POST: a mount ({@code ?mount=} with or without {@code from}), a whole blob ({@code ?digest=}
   * and a body), or a new session. A mount from a repository the caller may not pull is not
   * refused: it becomes a new session (202), which says nothing about the blob.
   */
  void post(Exchange ex) {
    RepositoryName repository = ex.repository();
    String mount = ex.query("mount");
    if (mount != null) {
      Digest digest = Digest.parse(mount);
      String from = ex.query("from");
      Optional<BlobInfo> mounted;
      if (from != null && !from.isEmpty()) {
        RepositoryName source = RepositoryName.parse(from);
        mounted = mayPull(ex.permit, source)
            ? registry.uploads().mount(repository, digest, source) : Optional.empty();
      } else {
        // OCI 1.1: without from, the registry may mount from any repository the caller may read.
        mounted = registry.uploads().mountFromAny(repository, digest,
            candidate -> mayPull(ex.permit, candidate));
      }
      if (mounted.isPresent()) {
        events.blobStored(ex, repository, digest, mounted.get().size(), from, true);
        created(ex, repository, digest);
        return;
      }
    }
    String digestParam = ex.query("digest");
    if (digestParam != null && ex.hasBody()) {
      Digest digest = Digest.parse(digestParam);
      UploadBody<BlobInfo> body = registry.uploads().receiveWhole(repository, digest,
          ex.contentLength());
      receive(ex, body, () -> pushed(ex, repository, body.finish()));
      return;
    }
    answer(ex, registry.uploads().start(repository), 202);
  }

  void patch(Exchange ex) {
    UploadBody<UploadStatus> body = registry.uploads().receiveChunk(ex.repository(), ex.path("id"),
        contentRange(ex), ex.contentLength());
    receive(ex, body, () -> answer(ex, body.finish(), 202));
  }

  void status(Exchange ex) {
    answer(ex, registry.uploads().status(ex.repository(), ex.path("id")), 204);
  }

  /** The closing PUT: an optional last chunk in the body, then the whole is verified. */
  void put(Exchange ex) {
    String digestParam = ex.query("digest");
    if (digestParam == null || digestParam.isEmpty()) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID,
          "the closing PUT of an upload needs ?digest=<digest of the whole blob>");
    }
    Digest digest = Digest.parse(digestParam);
    RepositoryName repository = ex.repository();
    String id = ex.path("id");
    if (!ex.hasBody()) {
      pushed(ex, repository, registry.uploads().complete(repository, id, digest));
      return;
    }
    UploadBody<BlobInfo> body = registry.uploads().receiveClosing(repository, id, digest,
        contentRange(ex), ex.contentLength());
    receive(ex, body, () -> pushed(ex, repository, body.finish()));
  }

  /** A blob stored by a push: its event, then the 201. */
  private void pushed(Exchange ex, RepositoryName repository, BlobInfo blob) {
    events.blobStored(ex, repository, blob.digest(), blob.size(), null, false);
    created(ex, repository, blob.digest());
  }

  void cancel(Exchange ex) {
    registry.uploads().cancel(ex.repository(), ex.path("id"));
    ex.sendEmpty(204);
  }

  private static void receive(Exchange ex, UploadBody<?> body, Exchange.Step then) {
    ex.receive(body::write, ErrorCode.UPLOAD_TOO_SLOW, ErrorCode.BLOB_UPLOAD_INVALID, body::abort,
        () -> {
          try (body) {
            then.run();
          }
        });
  }

  /** The chunk's {@code Content-Range}, or null for a streamed chunk. */
  private static ContentRange contentRange(Exchange ex) {
    String header = ex.header("Content-Range");
    return header == null || header.isBlank() ? null : ContentRange.parse(header);
  }

  private static boolean mayPull(Permit permit, RepositoryName source) {
    return permit.allows(Access.pull(source));
  }

  private static void created(Exchange ex, RepositoryName repository, Digest digest) {
    ex.header("Location", ex.url(Paths.blob(repository, digest)));
    ex.header("Docker-Content-Digest", digest.toString());
    ex.sendEmpty(201);
  }

  /**
   * A session's state. The {@code Location} carries {@code ?_state=<bytes received>} as
   * registry:2's carries its state, so that clients which append {@code &digest=...} to it (the
   * seed walkthrough's curl) form a valid URL; the session itself is read from storage.
   */
  private static void answer(Exchange ex, UploadStatus status, int code) {
    ex.header("Location", ex.url(Paths.upload(status.repository(), status.id()) + "?_state="
        + status.size()));
    ex.header("Docker-Upload-UUID", status.id());
    ex.header("Range", "0-" + Math.max(0, status.size() - 1));
    ex.sendEmpty(code);
  }
}
