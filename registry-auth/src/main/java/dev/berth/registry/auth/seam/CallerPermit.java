package dev.berth.registry.auth.seam;

import dev.berth.registry.access.Access;
import dev.berth.registry.access.Caller;
import dev.berth.registry.access.Permit;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.oci.RepositoryName;
import java.util.List;

/**
 * What one authenticated request may do: the identity established by
 * {@link AuthAccessController#authorize}, asked again for the handler's later questions without
 * checking credentials again.
 */
final class CallerPermit implements Permit {

  private final AuthAccessController controller;
  private final Caller caller;
  private final Identity who;
  private final List<Access> asked;

  CallerPermit(AuthAccessController controller, Caller caller, Identity who, List<Access> asked) {
    this.controller = controller;
    this.caller = caller;
    this.who = who;
    this.asked = List.copyOf(asked);
  }

  @Override
  public java.util.Optional<String> user() {
    return who.name();
  }

  @Override
  public boolean allows(Access access) {
    try {
      return controller.decide(who, access) == AuthAccessController.Verdict.ALLOW;
    } catch (AuthConfigException broken) {
      throw AuthAccessController.cannotDecide(broken);
    }
  }

  @Override
  public void require(Access access) {
    AuthAccessController.Verdict verdict;
    try {
      verdict = controller.decide(who, access);
    } catch (AuthConfigException broken) {
      throw AuthAccessController.cannotDecide(broken);
    }
    if (verdict != AuthAccessController.Verdict.ALLOW) {
      throw controller.refusal(caller, verdict, access,
          AuthAccessController.plus(asked, access));
    }
  }

  @Override
  public boolean lists(RepositoryName repository) {
    try {
      return controller.lists(who, repository);
    } catch (AuthConfigException broken) {
      throw AuthAccessController.cannotDecide(broken);
    }
  }

  @Override
  public String toString() {
    return "Permit[" + who + "]";
  }
}
