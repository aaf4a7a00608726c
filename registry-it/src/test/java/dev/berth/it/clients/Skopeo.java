package dev.berth.it.clients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * skopeo with a private registries.conf (Berth's {@code host:port} as an insecure, plain-HTTP
 * registry) and a private trust policy, so that no file under /etc/containers changes the
 * outcome. skopeo takes neither from the environment, hence the global flags.
 */
final class Skopeo {
  private final Path workDir;
  private final Path registriesConf;
  private final Path policy;

  Skopeo(Path workDir, String registry) throws IOException {
    this.workDir = workDir;
    this.registriesConf = Files.writeString(workDir.resolve("skopeo-registries.conf"),
        "[[registry]]\nlocation = \"" + registry + "\"\ninsecure = true\n");
    this.policy = Files.writeString(workDir.resolve("skopeo-policy.json"),
        "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
  }

  List<String> command(String... args) {
    return Cli.concat(List.of("skopeo", "--registries-conf", registriesConf.toString(), "--policy",
        policy.toString()), args);
  }

  /** Runs skopeo and fails the test with its output unless it exits 0. */
  Cli.Out check(String... args) {
    return Cli.check(workDir, null, command(args));
  }

  /** Runs skopeo and returns whatever happened. */
  Cli.Out run(String... args) {
    return Cli.run(workDir, null, Cli.TIMEOUT, command(args));
  }
}
