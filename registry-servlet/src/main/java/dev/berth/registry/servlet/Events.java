package dev.berth.registry.servlet;

import dev.berth.registry.ManifestContent;
import dev.berth.registry.Registry;
import dev.berth.registry.events.Event;
import dev.berth.registry.events.EventSink;
import dev.berth.registry.manifest.ManifestParser;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import java.util.UUID;

/**
 * Turns what a handler did into {@link Event}s for the registry's {@link EventSink}: called after
 * the change is stored and before the answer is sent, so an acknowledged push has its event
 * (docs/design/webhooks.md). Without endpoints each call is one check.
 */
final class Events {
  /** Blobs are content without a type of their own; distribution says so the same way. */
  static final String BLOB_TYPE = "application/octet-stream";

  private final Registry registry;
  /** Names this servlet in every event's {@code source}, as distribution's instance id does. */
  private final String instanceId = UUID.randomUUID().toString();

  Events(Registry registry) {
    this.registry = registry;
  }

  void manifestPushed(Exchange ex, Reference reference, Digest digest, byte[] bytes) {
    if (!sink().wants(Event.PUSH)) {
      return;
    }
    ParsedManifest parsed = ManifestParser.parseStored(digest, bytes);
    Event.Target target = Event.Target.of(ex.repository().toString(), digest.toString())
        .withContent(parsed.mediaType(), bytes.length)
        .withUrl(ex.url(Paths.manifest(ex.repository(), digest)))
        .withTag(reference instanceof Tag tag ? tag.toString() : null);
    if (parsed.subjectIfAny().isPresent()) {
      Descriptor subject = parsed.subjectIfAny().get();
      target = target.withReferrer(subject.digest().toString(), parsed.referrerArtifactType());
    }
    emit(ex, Event.PUSH, target);
  }

  void manifestPulled(Exchange ex, Reference reference, ManifestContent manifest) {
    if (!sink().wants(Event.PULL)) {
      return;
    }
    emit(ex, Event.PULL, Event.Target.of(ex.repository().toString(), manifest.digest().toString())
        .withContent(manifest.mediaType(), manifest.size())
        .withUrl(ex.url(Paths.manifest(ex.repository(), manifest.digest())))
        .withTag(reference instanceof Tag tag ? tag.toString() : null));
  }

  void manifestDeleted(Exchange ex, Reference reference) {
    if (!sink().wants(Event.DELETE)) {
      return;
    }
    Event.Target target = reference instanceof Tag tag
        ? Event.Target.of(ex.repository().toString(), null).withTag(tag.toString())
        : Event.Target.of(ex.repository().toString(), reference.toString());
    emit(ex, Event.DELETE, target);
  }

  /** A blob pushed ({@code from} null) or mounted from {@code from}. */
  void blobStored(Exchange ex, RepositoryName repository, Digest digest, long size,
      String from, boolean mounted) {
    String action = mounted ? Event.MOUNT : Event.PUSH;
    if (!sink().wants(action)) {
      return;
    }
    emit(ex, action, blob(ex, repository, digest).withContent(BLOB_TYPE, size).withFrom(from));
  }

  void blobPulled(Exchange ex, Digest digest, long size) {
    if (sink().wants(Event.PULL)) {
      emit(ex, Event.PULL, blob(ex, ex.repository(), digest).withContent(BLOB_TYPE, size));
    }
  }

  void blobDeleted(Exchange ex, Digest digest) {
    if (sink().wants(Event.DELETE)) {
      emit(ex, Event.DELETE, Event.Target.of(ex.repository().toString(), digest.toString()));
    }
  }

  private static Event.Target blob(Exchange ex, RepositoryName repository, Digest digest) {
    return Event.Target.of(repository.toString(), digest.toString())
        .withUrl(ex.url(Paths.blob(repository, digest)));
  }

  private EventSink sink() {
    return registry.events();
  }

  private void emit(Exchange ex, String action, Event.Target target) {
    var request = ex.request;
    Event.RequestInfo info = new Event.RequestInfo(UUID.randomUUID().toString(),
        ClientAddress.of(request, ex.options.trustedProxies()), request.getHeader("Host"),
        request.getMethod(), request.getHeader("User-Agent"));
    Event.Source source = new Event.Source(request.getLocalAddr() + ":" + request.getLocalPort(),
        instanceId);
    sink().emit(Event.of(action, target, info, ex.permit.user().orElse(null), source));
  }
}
