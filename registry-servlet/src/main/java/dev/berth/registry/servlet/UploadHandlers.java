package dev.berth.registry.servlet;

import dev.berth.registry.BlobInfo;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.UploadStatus;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Action;
import dev.berth.registry.access.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** {@code /v2/<name>/blobs/uploads/[<id>]}: sessions, chunks, monolithic pushes and mounts. */
final class UploadHandlers {
  private final Registry registry;
  private final AccessController access;

  UploadHandlers(Registry registry, AccessController access) {
    this.registry = registry;
    this.access = access;
  }

  /** POST: a mount ({@code ?mount=&from=}), a whole blob ({@code ?digest=} and a body), or a session. */
  void post(Exchange ex, Caller caller) throws IOException {
    RepositoryName repository = ex.repository();
    String mount = ex.query("mount");
    if (mount != null) {
      Digest digest = Digest.parse(mount);
      String from = ex.query("from");
      if (from != null && !from.isEmpty()) {
        RepositoryName source = RepositoryName.parse(from);
        if (mayPull(caller, source)) {
          Optional<BlobInfo> mounted = registry.uploads().mount(repository, digest, source);
          if (mounted.isPresent()) {
            created(ex, repository, digest);
            return;
          }
        }
      }
    }
    String digestParam = ex.query("digest");
    if (digestParam != null && ex.hasBody()) {
      Digest digest = Digest.parse(digestParam);
      try (InputStream body = ex.body()) {
        registry.uploads().putWhole(repository, digest, body, ex.contentLength());
      }
      created(ex, repository, digest);
      return;
    }
    answer(ex, registry.uploads().start(repository), 202);
  }

  void patch(Exchange ex) throws IOException {
    ContentRange range = contentRange(ex);
    UploadStatus status;
    try (InputStream body = ex.body()) {
      status = registry.uploads().append(ex.repository(), ex.path("id"), body, range,
          ex.contentLength());
    }
    answer(ex, status, 202);
  }

  void status(Exchange ex) {
    answer(ex, registry.uploads().status(ex.repository(), ex.path("id")), 204);
  }

  void put(Exchange ex) throws IOException {
    String digestParam = ex.query("digest");
    if (digestParam == null || digestParam.isEmpty()) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID,
          "the closing PUT of an upload needs ?digest=<digest of the whole blob>");
    }
    Digest digest = Digest.parse(digestParam);
    RepositoryName repository = ex.repository();
    try (InputStream body = ex.hasBody() ? ex.body() : null) {
      registry.uploads().complete(repository, ex.path("id"), digest, body,
          ex.hasBody() ? contentRange(ex) : null, ex.hasBody() ? ex.contentLength() : 0);
    }
    created(ex, repository, digest);
  }

  void cancel(Exchange ex) {
    registry.uploads().cancel(ex.repository(), ex.path("id"));
    ex.sendEmpty(204);
  }

  /** The chunk's {@code Content-Range}, or null for a streamed chunk. */
  private static ContentRange contentRange(Exchange ex) {
    String header = ex.header("Content-Range");
    return header == null || header.isBlank() ? null : ContentRange.parse(header);
  }

  private boolean mayPull(Caller caller, RepositoryName source) {
    try {
      access.authorize(new AccessRequest(caller, Optional.of(source), Action.PULL));
      return true;
    } catch (RegistryException refused) {
      return false;
    }
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
