package dev.berth.registry.auth.token;

import dev.berth.registry.auth.AccessGrants;
import dev.berth.registry.auth.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a verified token says.
 *
 * @param subject the {@code sub} claim; empty for anonymous tokens
 * @param access the {@code access} claim as scopes (entries that fit no scope grammar dropped)
 * @param grants the same as a lookup table
 * @param expiresAt the {@code exp} claim
 */
public record VerifiedToken(Optional<String> subject, List<Scope> access, AccessGrants grants,
    Instant expiresAt) {

  public VerifiedToken {
    access = List.copyOf(access);
  }
}
