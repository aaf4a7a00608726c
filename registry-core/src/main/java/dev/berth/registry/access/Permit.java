package dev.berth.registry.access;

import dev.berth.registry.oci.RepositoryName;

/**
 * What an {@link AccessController} let a request do, for the questions a handler asks after the
 * request was let in: may the caller read the source of a mount, which repositories does the
 * catalog show it, may its manifest PUT move a tag. Answers come from the identity established
 * once per request: no password hash or token signature is checked again.
 */
public interface Permit {

  /** Everything: what {@link AccessController#ALLOW_ALL} hands out. */
  Permit ALL = new Permit() {
    @Override
    public boolean allows(Access access) {
      return true;
    }

    @Override
    public void require(Access access) {}

    @Override
    public String toString() {
      return "Permit.ALL";
    }
  };

  /**
   * The user the controller established for this request (a name from htpasswd, a token's
   * subject, the container's principal), for the access log; empty for an anonymous caller or a
   * controller that knows no names. Never a credential.
   */
  default java.util.Optional<String> user() {
    return java.util.Optional.empty();
  }

  /** Whether the caller may also do {@code access}. Never throws for a refusal. */
  boolean allows(Access access);

  /**
   * Returns normally when the caller may do {@code access}; otherwise throws the refusal this
   * caller gets ({@link AccessDenied}: a 401 with its challenge, or a 403).
   */
  void require(Access access);

  /**
   * Whether the catalog lists {@code repository} to this caller: by default, whether it may pull
   * it. (A token that lists the catalog holds no pull grant per repository, so a controller that
   * verifies tokens answers from its policy instead.)
   */
  default boolean lists(RepositoryName repository) {
    return allows(Access.pull(repository));
  }
}
