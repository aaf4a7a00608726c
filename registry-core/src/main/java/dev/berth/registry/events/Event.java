package dev.berth.registry.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Something that happened in the registry that a webhook receiver may want to know: distribution's
 * notification event (docs/design/webhooks.md), with OCI 1.1's {@code subject} and
 * {@code artifactType} in its target so a receiver can react to a new signature or SBOM.
 *
 * @param id unique per event; a receiver dedupes on it (delivery is at least once)
 * @param action {@code push}, {@code pull}, {@code mount} or {@code delete}
 * @param actor the user the access seam established, or null for an anonymous caller
 */
public record Event(String id, Instant timestamp, String action, Target target,
    RequestInfo request, String actor, Source source) {

  public static final String PUSH = "push";
  public static final String PULL = "pull";
  public static final String MOUNT = "mount";
  public static final String DELETE = "delete";

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
  }

  /** A new event with a fresh id, now. */
  public static Event of(String action, Target target, RequestInfo request, String actor,
      Source source) {
    return new Event(UUID.randomUUID().toString(), Instant.now(), action, target, request, actor,
        source);
  }

  /** Whether the event must survive a crash (pushes, mounts, deletes) or may be dropped (pulls). */
  public boolean durable() {
    return !action.equals(PULL);
  }

  /**
   * What the event is about. Fields are null when they do not apply (a delete has no media type;
   * a blob has no tag).
   *
   * @param length the same as {@code size}: distribution sends both
   * @param fromRepository a mount's source repository
   * @param subject the manifest a referrer refers to (OCI 1.1)
   * @param artifactType a referrer's artifact type (OCI 1.1)
   */
  public record Target(String mediaType, Long size, String digest, String repository, String url,
      String tag, String fromRepository, String subject, String artifactType) {

    /** A blob or manifest by digest, with nothing else known yet. */
    public static Target of(String repository, String digest) {
      return new Target(null, null, digest, repository, null, null, null, null, null);
    }

    public Target withContent(String mediaType, long size) {
      return new Target(mediaType, size, digest, repository, url, tag, fromRepository, subject,
          artifactType);
    }

    public Target withUrl(String url) {
      return new Target(mediaType, size, digest, repository, url, tag, fromRepository, subject,
          artifactType);
    }

    public Target withTag(String tag) {
      return new Target(mediaType, size, digest, repository, url, tag, fromRepository, subject,
          artifactType);
    }

    public Target withFrom(String fromRepository) {
      return new Target(mediaType, size, digest, repository, url, tag, fromRepository, subject,
          artifactType);
    }

    public Target withReferrer(String subject, String artifactType) {
      return new Target(mediaType, size, digest, repository, url, tag, fromRepository, subject,
          artifactType);
    }
  }

  /** The HTTP request that caused the event. */
  public record RequestInfo(String id, String addr, String host, String method,
      String useragent) {}

  /** The registry instance that saw it: its address and an id per running instance. */
  public record Source(String addr, String instanceID) {}
}
