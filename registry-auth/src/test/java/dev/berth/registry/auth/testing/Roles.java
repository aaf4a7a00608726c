package dev.berth.registry.auth.testing;

import dev.berth.registry.auth.Permission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The six callers of issue 11's table and what each holds on the team's repositories
 * ({@code team/**}), written down by hand: the test's oracle, independent of the policy engine.
 * Everyone also reads {@code public/**} (anonymous callers too); only the admin reaches
 * {@code secret/**}; the other user owns {@code other/**}.
 */
public enum Roles {
  ANONYMOUS(null, null, EnumSet.noneOf(Permission.class)),
  READER("rita", "rita:reads", EnumSet.of(Permission.READ)),
  WRITER("walt", "walt writes:a lot", EnumSet.of(Permission.READ, Permission.CREATE)),
  DELETER("dora", "dora-deletes", EnumSet.of(Permission.READ, Permission.DELETE)),
  ADMIN("root", "r00t:pass", EnumSet.allOf(Permission.class)),
  OTHER("otto", "otto's own", EnumSet.noneOf(Permission.class));

  /** The policy: zot's shape, the table's roles. */
  public static final String POLICY = """
      groups:
        admins: {users: [root]}
      repositories:
        "team/**":
          policies:
            - users: [rita]
              actions: [read]
            - users: [walt]
              actions: [read, create]
            - users: [dora]
              actions: [read, delete]
        "other/**":
          policies:
            - users: [otto]
              actions: [read, create, update, delete]
        "public/**":
          anonymousPolicy: [read]
      adminPolicy:
        groups: [admins]
        actions: [read, create, update, delete]
      """;

  public final String user;
  public final String password;
  public final Set<Permission> onTeam;

  Roles(String user, String password, Set<Permission> onTeam) {
    this.user = user;
    this.password = password;
    this.onTeam = onTeam;
  }

  public boolean anonymous() {
    return user == null;
  }

  public boolean readsSecret() {
    return this == ADMIN;
  }

  /** Writes the users (bcrypt, cost 4 to keep tests fast) and returns the file. */
  public static Path writeHtpasswd(Path dir) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (Roles r : values()) {
      if (!r.anonymous()) {
        lines.append(r.user).append(':').append(BCrypt.hashpw(r.password,
            BCrypt.gensalt("$2y", 4))).append('\n');
      }
    }
    Path file = dir.resolve("users.htpasswd");
    Files.writeString(file, lines);
    return file;
  }

  public static Path writePolicy(Path dir, String text) throws IOException {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, text);
    return file;
  }
}
