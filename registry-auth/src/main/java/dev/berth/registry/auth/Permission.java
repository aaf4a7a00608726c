package dev.berth.registry.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an access policy grants on a repository: zot's four actions. {@code update} is separate
 * from {@code create} so that a policy can let a user push new tags without moving existing ones.
 *
 * <p>distribution's token scopes speak of {@code pull}, {@code push} and {@code delete} instead;
 * this enum is the one place that maps between the two vocabularies.
 */
public enum Permission {
  /** Pull manifests, blobs, tags and referrers (scope action {@code pull}). */
  READ,
  /** Push blobs and manifests, create new tags (scope action {@code push}). */
  CREATE,
  /** Move an existing tag to another manifest (also scope action {@code push}). */
  UPDATE,
  /** Delete manifests, tags and blobs (scope action {@code delete}). */
  DELETE;

  /** The action's name in a policy file: {@code read}, {@code create}, ... */
  public String policyName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a policy file's action name. */
  public static Optional<Permission> fromPolicyName(String name) {
    for (Permission p : values()) {
      if (p.policyName().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The token scope action that carries this permission: pull, push or delete. */
  public String scopeAction() {
    return switch (this) {
      case READ -> "pull";
      case CREATE, UPDATE -> "push";
      case DELETE -> "delete";
    };
  }

  /**
   * What a scope action needs from a policy. {@code push} needs {@code create} only: the token
   * server cannot know whether a push will move a tag, so the registry checks {@code update} per
   * request when it evaluates the policy itself. {@code *} needs nothing by itself: it is expanded
   * to every action the caller holds.
   */
  public static Set<Permission> forScopeAction(String action) {
    return switch (action) {
      case "pull" -> EnumSet.of(READ);
      case "push" -> EnumSet.of(CREATE);
      case "delete" -> EnumSet.of(DELETE);
      default -> EnumSet.noneOf(Permission.class);
    };
  }
}
