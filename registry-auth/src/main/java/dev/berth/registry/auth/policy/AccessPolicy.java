package dev.berth.registry.auth.policy;

import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.auth.ReloadingFile;
import dev.berth.registry.oci.RepositoryName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A zot-style access policy (zot's {@code accessControl}, read from YAML by {@link PolicyFile}).
 *
 * <p>For user U (member of the groups listing U) and repository R: the pattern under
 * {@code repositories} that matches R and is longest (ties: the lexically first) decides; U gets
 * the actions of every entry of its {@code policies} naming U or one of U's groups, plus
 * {@code defaultPolicy} (any authenticated user) and {@code anonymousPolicy}. Then
 * {@code adminPolicy} adds its actions on every repository for the users and groups it names.
 * Without a matching pattern only the admin policy grants anything.
 *
 * <p>A user whom a servlet container authenticated is also a member of every group named like
 * one of its container roles ({@link Identity#containerUser}).
 *
 * <p>One deliberate difference from zot: an authenticated user also holds what
 * {@code anonymousPolicy} gives (zot gives it to anonymous callers only, so logging in could lose
 * access that anonymous callers have).
 *
 * <p>The catalog may be listed by authenticated users and, when some pattern lets anonymous
 * callers read, by anonymous ones; either way a page is filtered to what the caller may read.
 */
public final class AccessPolicy implements Authorizer {

  /** One pattern's policies. */
  record Rule(RepositoryPattern pattern, List<Grant> policies, Set<Permission> defaultPolicy,
      Set<Permission> anonymousPolicy) {}

  /** Actions for named users and groups. */
  record Grant(Set<String> users, Set<String> groups, Set<Permission> actions) {
    /** Whether it names the user, one of the user's groups, or a container role the user has. */
    boolean names(Identity who, String user, Set<String> userGroups) {
      return users.contains(user) || userGroups.stream().anyMatch(groups::contains)
          || groups.stream().anyMatch(who::inRole);
    }
  }

  private static final Grant NO_ADMIN = new Grant(Set.of(), Set.of(), Set.of());

  private final List<Rule> rules;
  private final Map<String, Set<String>> groupsOfUser;
  private final Grant admin;
  private final boolean authenticatedMayDoAll;

  AccessPolicy(List<Rule> rules, Map<String, Set<String>> groupsOfUser, Grant admin,
      boolean authenticatedMayDoAll) {
    this.rules = rules.stream().sorted(Comparator
        .comparingInt((Rule r) -> -r.pattern().text().length())
        .thenComparing(r -> r.pattern().text())).toList();
    this.groupsOfUser = Map.copyOf(groupsOfUser);
    this.admin = admin == null ? NO_ADMIN : admin;
    this.authenticatedMayDoAll = authenticatedMayDoAll;
  }

  /** The policy without a policy file: authenticated users may do everything, anonymous nothing. */
  public static AccessPolicy authenticatedFullAccess() {
    return new AccessPolicy(List.of(), Map.of(), NO_ADMIN, true);
  }

  /** Parses a policy file's text; {@code source} names it in error messages. */
  public static AccessPolicy parse(String yaml, String source) {
    return PolicyFile.parse(yaml, source);
  }

  /**
   * A policy read from {@code path} now and again whenever the file changes (checked at most
   * once a second). A file that turns invalid fails closed: every question throws
   * {@link dev.berth.registry.auth.AuthConfigException} until it is fixed.
   */
  public static Authorizer watch(Path path, Clock clock) {
    ReloadingFile<AccessPolicy> file = ReloadingFile.open(path, PolicyFile::parse, clock,
        Duration.ofSeconds(1));
    return new Authorizer() {
      @Override
      public boolean allows(Identity who, RepositoryName repository, Permission permission) {
        return file.current().allows(who, repository, permission);
      }

      @Override
      public boolean allowsCatalog(Identity who) {
        return file.current().allowsCatalog(who);
      }

      @Override
      public String toString() {
        return "AccessPolicy[" + path + "]";
      }
    };
  }

  /** Everything {@code who} may do on {@code repository}. */
  public Set<Permission> permissions(Identity who, RepositoryName repository) {
    EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
    String user = who.name().orElse(null);
    if (authenticatedMayDoAll) {
      if (user != null) {
        out.addAll(EnumSet.allOf(Permission.class));
      }
      return out;
    }
    Set<String> groups = user == null ? Set.of() : groupsOfUser.getOrDefault(user, Set.of());
    for (Rule rule : rules) {
      if (rule.pattern().matches(repository.value())) {
        if (user != null) {
          for (Grant g : rule.policies()) {
            if (g.names(who, user, groups)) {
              out.addAll(g.actions());
            }
          }
          out.addAll(rule.defaultPolicy());
        }
        out.addAll(rule.anonymousPolicy());
        break;
      }
    }
    if (user != null && admin.names(who, user, groups)) {
      out.addAll(admin.actions());
    }
    return out;
  }

  @Override
  public boolean allows(Identity who, RepositoryName repository, Permission permission) {
    return permissions(who, repository).contains(permission);
  }

  @Override
  public boolean allowsCatalog(Identity who) {
    return who.authenticated() || anonymousMayReadSomething();
  }

  /**
   * Whether some pattern lets anonymous callers read: the token server then hands out anonymous
   * tokens instead of asking for credentials.
   */
  public boolean anonymousMayReadSomething() {
    return rules.stream().anyMatch(r -> r.anonymousPolicy().contains(Permission.READ));
  }

  @Override
  public String toString() {
    return authenticatedMayDoAll ? "AccessPolicy[authenticated users may do everything]"
        : "AccessPolicy[" + rules.size() + " patterns]";
  }
}
