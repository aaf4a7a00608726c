package dev.berth.it.clients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * skopeo, podman and buildah for the TLS and login tests: private configuration files (no
 * registry marked insecure, so certificates are verified; an accept-anything signature policy),
 * private podman and buildah stores (vfs), and an auth file of the test's own.
 */
final class SecureClients {
  final Path work;
  final Path authFile;
  final Map<String, String> env;
  private final Path registriesConf;
  private final Path policy;

  SecureClients(Path work) throws IOException {
    this.work = Files.createDirectories(work);
    this.registriesConf = Files.writeString(work.resolve("registries.conf"),
        "unqualified-search-registries = []\n");
    this.policy = Files.writeString(work.resolve("policy.json"),
        "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    // buildah and podman refuse a REGISTRY_AUTH_FILE that does not exist.
    this.authFile = Files.writeString(work.resolve("auth.json"), "{\"auths\":{}}");
    Path containersConf = Files.writeString(work.resolve("containers.conf"),
        "[engine]\nevents_logger = \"file\"\n");
    Files.createDirectories(work.resolve("tmp"));
    this.env = Map.of("CONTAINERS_CONF", containersConf.toString(), "CONTAINERS_REGISTRIES_CONF",
        registriesConf.toString(), "REGISTRY_AUTH_FILE", authFile.toString(),
        "BUILDAH_ISOLATION", "chroot", "TMPDIR", work.resolve("tmp").toString());
  }

  List<String> skopeo(String... args) {
    return Cli.concat(List.of("skopeo", "--registries-conf", registriesConf.toString(),
        "--policy", policy.toString()), args);
  }

  /** podman (or buildah: the same global storage flags) on the private store {@code store}. */
  List<String> storeCommand(String program, String store, String... args) {
    Path s = work.resolve("store-" + store);
    List<String> head = program.equals("podman")
        ? List.of("podman", "--root", s.resolve("root").toString(), "--runroot",
            s.resolve("runroot").toString(), "--tmpdir", s.resolve("tmp").toString(),
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs")
        : List.of("buildah", "--root", s.resolve("root").toString(), "--runroot",
            s.resolve("runroot").toString(), "--storage-driver", "vfs");
    return Cli.concat(head, args);
  }

  Cli.Out check(List<String> command) {
    return Cli.check(work, env, command);
  }

  Cli.Out run(List<String> command) {
    return Cli.run(work, env, Cli.TIMEOUT, command);
  }
}
