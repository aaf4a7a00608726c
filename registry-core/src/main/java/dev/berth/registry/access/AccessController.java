package dev.berth.registry.access;

/**
 * The one seam every request passes before a handler runs. Authentication and authorization plug
 * in here without touching handlers: {@link #authorize} establishes who the caller is once per
 * request and checks everything the request needs; it refuses by throwing {@link AccessDenied}
 * (401 with the challenge it carries, or 403), and otherwise hands back a {@link Permit} for the
 * questions the handler asks later (a mount's source, the catalog's entries, moving a tag).
 *
 * <p>Implementations live outside the core (Berth's {@code registry-auth}: htpasswd, tokens, the
 * servlet container's login), so the core stays free of security libraries.
 */
public interface AccessController {

  /** Allows everything: the default. */
  AccessController ALLOW_ALL = request -> Permit.ALL;

  /**
   * Returns what the caller may do when it may do all of {@link AccessRequest#needs()}.
   *
   * @throws AccessDenied (or another {@link dev.berth.registry.oci.RegistryException}) to refuse
   */
  Permit authorize(AccessRequest request);
}
