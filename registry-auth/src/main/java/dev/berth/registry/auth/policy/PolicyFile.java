package dev.berth.registry.auth.policy;

import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Permission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a policy file: zot's {@code accessControl} object in YAML (or JSON, which YAML reads
 * too), optionally wrapped in a single {@code accessControl:} key so a zot fragment can be pasted.
 *
 * <pre>{@code
 * groups:
 *   developers: {users: [alice, bob]}
 * repositories:
 *   "**":        {defaultPolicy: [read], anonymousPolicy: [read]}
 *   "team/**":
 *     policies:
 *       - {groups: [developers], actions: [read, create, update, delete]}
 * adminPolicy: {users: [admin], actions: [read, create, update, delete]}
 * }</pre>
 *
 * <p>Strict, because a typo in a security file must not silently grant or deny: unknown keys,
 * unknown actions, zot's CEL {@code conditions} (ignoring them would grant more than meant) and
 * duplicate keys are refused with the path to the offending entry.
 */
final class PolicyFile {

  private static final Set<String> TOP = Set.of("groups", "repositories", "adminPolicy");
  private static final Set<String> RULE = Set.of("policies", "defaultPolicy", "anonymousPolicy");
  private static final Set<String> GRANT = Set.of("users", "groups", "actions");

  private final String source;

  private PolicyFile(String source) {
    this.source = source;
  }

  static AccessPolicy parse(String yaml, String source) {
    return new PolicyFile(source).read(yaml);
  }

  private AccessPolicy read(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setCodePointLimit(4 << 20);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (YAMLException e) {
      throw new AuthConfigException("policy file " + source + ": not valid YAML: "
          + e.getMessage(), e);
    }
    if (root == null) {
      throw fail("", "the file is empty");
    }
    Map<String, Object> top = map(root, "");
    if (top.size() == 1 && top.containsKey("accessControl")) {
      top = map(top.get("accessControl"), "accessControl");
    }
    keys(top, TOP, "");
    Map<String, Set<String>> groupsOfUser = new HashMap<>();
    Map<String, Object> groups = top.containsKey("groups") ? map(top.get("groups"), "groups")
        : Map.of();
    for (Map.Entry<String, Object> g : groups.entrySet()) {
      String at = "groups." + g.getKey();
      Map<String, Object> group = map(g.getValue(), at);
      keys(group, Set.of("users"), at);
      for (String user : strings(group.get("users"), at + ".users")) {
        groupsOfUser.computeIfAbsent(user, u -> new HashSet<>()).add(g.getKey());
      }
    }
    groupsOfUser.replaceAll((u, s) -> Set.copyOf(s));
    List<AccessPolicy.Rule> rules = new ArrayList<>();
    Map<String, Object> repos = top.containsKey("repositories")
        ? map(top.get("repositories"), "repositories") : Map.of();
    for (Map.Entry<String, Object> r : repos.entrySet()) {
      rules.add(rule(r.getKey(), r.getValue()));
    }
    AccessPolicy.Grant admin = top.containsKey("adminPolicy")
        ? grant(top.get("adminPolicy"), "adminPolicy") : null;
    return new AccessPolicy(rules, groupsOfUser, admin, false);
  }

  private AccessPolicy.Rule rule(String pattern, Object value) {
    String at = "repositories[\"" + pattern + "\"]";
    RepositoryPattern compiled;
    try {
      compiled = RepositoryPattern.compile(pattern);
    } catch (IllegalArgumentException e) {
      throw fail(at, e.getMessage());
    }
    Map<String, Object> rule = map(value, at);
    keys(rule, RULE, at);
    List<AccessPolicy.Grant> grants = new ArrayList<>();
    Object policies = rule.get("policies");
    if (policies != null) {
      if (!(policies instanceof List<?> list)) {
        throw fail(at + ".policies", "must be a list");
      }
      for (int i = 0; i < list.size(); i++) {
        grants.add(grant(list.get(i), at + ".policies[" + i + "]"));
      }
    }
    return new AccessPolicy.Rule(compiled, grants,
        actions(rule.get("defaultPolicy"), at + ".defaultPolicy"),
        actions(rule.get("anonymousPolicy"), at + ".anonymousPolicy"));
  }

  private AccessPolicy.Grant grant(Object value, String at) {
    Map<String, Object> grant = map(value, at);
    if (grant.containsKey("conditions")) {
      throw fail(at + ".conditions", "conditions (zot's CEL expressions) are not supported;"
          + " ignoring them would grant more than the file says");
    }
    keys(grant, GRANT, at);
    return new AccessPolicy.Grant(Set.copyOf(strings(grant.get("users"), at + ".users")),
        Set.copyOf(strings(grant.get("groups"), at + ".groups")),
        actions(grant.get("actions"), at + ".actions"));
  }

  private Set<Permission> actions(Object value, String at) {
    EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
    List<String> names = strings(value, at);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      out.add(Permission.fromPolicyName(name).orElseThrow(() -> fail(at,
          "unknown action \"" + name + "\" (known: read, create, update, delete)")));
    }
    return out;
  }

  private List<String> strings(Object value, String at) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw fail(at, "must be a list of strings");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isEmpty()) {
        throw fail(at, "must be a list of non-empty strings");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object value, String at) {
    if (!(value instanceof Map<?, ?> m)) {
      throw fail(at, "must be a mapping");
    }
    for (Object key : m.keySet()) {
      if (!(key instanceof String)) {
        throw fail(at, "keys must be strings, not " + key);
      }
    }
    return (Map<String, Object>) m;
  }

  private void keys(Map<String, Object> map, Set<String> allowed, String at) {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        throw fail(at.isEmpty() ? key : at + "." + key, "unknown key (known here: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private AuthConfigException fail(String at, String message) {
    return new AuthConfigException("policy file " + source + (at.isEmpty() ? "" : " at " + at)
        + ": " + message);
  }
}
