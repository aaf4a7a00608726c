package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * podman against Berth: push (OCI and v2s2), pull into a second, empty store (another machine as
 * far as podman can tell), run the pulled image where the sandbox allows it, search (the catalog)
 * and a two-platform manifest list pushed as an OCI index. Each podman store is private (vfs
 * driver, own root, runroot and tmpdir), so nothing touches the host's containers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodmanIT {

  static final String HELLO = "hello from an image that went through berth\n";

  @TempDir
  static Path storage;
  @TempDir
  static Path work;

  static BerthProcess berth;
  static RegistryClient http;
  static String reg;
  static Map<String, String> env;
  static String imageId;
  static String armImageId;
  static String localArch;
  static String pushedDigest;

  @BeforeAll
  static void buildImages() throws Exception {
    Programs.require("podman");
    Programs.require("busybox");
    // One repository per catalog page: podman must follow the Link header to list them all.
    berth = Launcher.start(storage, "--catalog-page-size", "1");
    http = new RegistryClient(berth.url());
    reg = berth.authority();

    // podman reads both files from the environment. The sandbox lacks CAP_SYS_RESOURCE, so the
    // default rlimits podman asks runc for must be lowered for 'podman run' to work at all.
    Path containersConf = Files.writeString(work.resolve("containers.conf"),
        "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n"
            + "[engine]\nevents_logger = \"file\"\n");
    Path registriesConf = Files.writeString(work.resolve("registries.conf"),
        "[[registry]]\nlocation = \"" + reg + "\"\ninsecure = true\n");
    Files.createDirectories(work.resolve("tmp"));
    env = Map.of("CONTAINERS_CONF", containersConf.toString(), "CONTAINERS_REGISTRIES_CONF",
        registriesConf.toString(), "BUILDAH_ISOLATION", "chroot", "TMPDIR",
        work.resolve("tmp").toString());

    Path amd = Files.createDirectories(work.resolve("ctx-bb"));
    Files.copy(BuildahIT.onPath("busybox").toRealPath(), amd.resolve("busybox"));
    Files.writeString(amd.resolve("hello.txt"), HELLO);
    Files.writeString(amd.resolve("Containerfile"), "FROM scratch\n"
        + "COPY busybox /bin/busybox\nCOPY hello.txt /hello.txt\n"
        + "ENTRYPOINT [\"/bin/busybox\"]\nCMD [\"cat\", \"/hello.txt\"]\n");
    podman("build", "--format", "oci", "-t", "localhost/berth-bb:1", amd.toString());
    imageId = podman("image", "inspect", "--format", "{{.Id}}", "localhost/berth-bb:1").text()
        .trim();
    localArch = podman("image", "inspect", "--format", "{{.Architecture}}",
        "localhost/berth-bb:1").text().trim();

    // A second platform: no RUN step, so no emulator is needed to build it.
    Path arm = Files.createDirectories(work.resolve("ctx-arm"));
    Files.writeString(arm.resolve("arch.txt"), "arm64\n");
    Files.writeString(arm.resolve("Containerfile"), "FROM scratch\nCOPY arch.txt /arch.txt\n");
    podman("build", "--platform", "linux/arm64/v8", "--format", "oci", "-t",
        "localhost/berth-arm:1", arm.toString());
    armImageId = podman("image", "inspect", "--format", "{{.Id}}", "localhost/berth-arm:1").text()
        .trim();
  }

  @AfterAll
  static void stop() throws Exception {
    Launcher.stop(berth);
  }

  /** podman on store {@code store} (the builder's "a" or the puller's "b"). */
  static List<String> podmanCommand(String store, String... args) {
    Path s = work.resolve("store-" + store);
    return Cli.concat(List.of("podman", "--root", s.resolve("root").toString(), "--runroot",
        s.resolve("runroot").toString(), "--tmpdir", s.resolve("tmp").toString(),
        "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"), args);
  }

  static Cli.Out podman(String... args) {
    return Cli.check(work, env, podmanCommand("a", args));
  }

  static Cli.Out podmanB(String... args) {
    return Cli.check(work, env, podmanCommand("b", args));
  }

  static RegistryClient.Response manifest(String repository, String reference) {
    RegistryClient.Response r = http.get("/v2/" + repository + "/manifests/" + reference,
        Oci.ACCEPT_ALL);
    assertEquals(200, r.status(), r::toString);
    assertEquals(Oci.sha256(r.body()), r.header("Docker-Content-Digest"));
    return r;
  }

  static String push(String image, String target, String... extra) throws Exception {
    Path digestFile = work.resolve("digest-" + target.replaceAll("[^a-z0-9]", "_"));
    List<String> args = new ArrayList<>(List.of("push", "--tls-verify=false", "--digestfile",
        digestFile.toString()));
    args.addAll(List.of(extra));
    args.add(image);
    args.add("docker://" + reg + "/" + target);
    podman(args.toArray(String[]::new));
    return Files.readString(digestFile).trim();
  }

  @Test
  @Order(1)
  void pushesOciAndDockerSchema2() throws Exception {
    pushedDigest = push("localhost/berth-bb:1", "it/podman-bb:1");
    RegistryClient.Response m = manifest("it/podman-bb", "1");
    assertEquals(pushedDigest, m.header("Docker-Content-Digest"));
    assertEquals(Oci.OCI_MANIFEST, m.header("Content-Type"));
    JsonObject oci = Oci.json(m.body());
    assertEquals("sha256:" + imageId, oci.getAsJsonObject("config").get("digest").getAsString());
    assertEquals(2, Oci.layerDigests(oci).size(), oci::toString);

    String v2s2 = push("localhost/berth-bb:1", "it/podman-bb:v2s2", "--format", "v2s2");
    RegistryClient.Response d = manifest("it/podman-bb", "v2s2");
    assertEquals(v2s2, d.header("Docker-Content-Digest"));
    assertEquals(Oci.DOCKER_MANIFEST, d.header("Content-Type"));
    JsonObject docker = Oci.json(d.body());
    assertEquals(Oci.layerDigests(oci), Oci.layerDigests(docker),
        "the same layers should be reused by the second push");
  }

  @Test
  @Order(2)
  void pullsIntoAnEmptyStore() {
    Programs.skipUnless(pushedDigest != null, "the push (pushesOciAndDockerSchema2) failed");
    String ref = reg + "/it/podman-bb:1";
    Cli.Out pull = podmanB("pull", "--tls-verify=false", ref);
    assertTrue(pull.text().trim().endsWith(imageId), pull::toString);
    JsonObject inspect = JsonParser.parseString(podmanB("image", "inspect", ref).text())
        .getAsJsonArray().get(0).getAsJsonObject();
    assertEquals(imageId, inspect.get("Id").getAsString());
    assertEquals(pushedDigest, inspect.get("Digest").getAsString());
    assertTrue(Oci.strings(inspect.getAsJsonArray("RepoDigests"))
        .contains(reg + "/it/podman-bb@" + pushedDigest), inspect::toString);
    assertEquals(List.of("/bin/busybox"),
        Oci.strings(inspect.getAsJsonObject("Config").getAsJsonArray("Entrypoint")));
  }

  /** Failures of the sandbox, not of the image or the registry (see docs/compatibility.md). */
  private static final Pattern SANDBOX = Pattern.compile(
      "(?i)rlimit|cgroup|operation not permitted|permission denied|seccomp|namespace");

  @Test
  @Order(3)
  void runsThePulledImage() {
    Programs.require("runc");
    Programs.skipUnless(pushedDigest != null, "the push (pushesOciAndDockerSchema2) failed");
    Cli.Out run = Cli.run(work, env, Cli.TIMEOUT, podmanCommand("b", "run", "--rm", "--runtime",
        "runc", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit",
        "nproc=1024:1024", reg + "/it/podman-bb:1"));
    if (!run.ok() && SANDBOX.matcher(run.all()).find()) {
      // A skip where containers cannot run; under BERTH_REQUIRE_PROGRAMS=1 a failure that says why.
      Programs.skip("the sandbox cannot run containers (a bonus check): " + run);
    }
    assertTrue(run.ok(), run::toString);
    assertEquals(HELLO, run.text(), run::toString);
  }

  @Test
  @Order(4)
  void searchListsTheCatalog() throws Exception {
    push("localhost/berth-arm:1", "it/podman-arm:1");
    RegistryClient.Response firstPage = http.get("/v2/_catalog");
    assertTrue(firstPage.header("Link") != null, () -> "expected a paged catalog: " + firstPage);
    JsonArray catalog = http.get("/v2/_catalog?n=1000").json().getAsJsonArray("repositories");
    TreeSet<String> expected = new TreeSet<>();
    catalog.forEach(e -> expected.add(reg + "/" + e.getAsString()));
    assertTrue(expected.contains(reg + "/it/podman-bb") && expected.contains(reg
        + "/it/podman-arm"), expected::toString);

    Cli.Out all = podman("search", "--tls-verify=false", "--format", "{{.Name}}", reg + "/");
    assertEquals(expected, new TreeSet<>(List.of(all.text().trim().split("\n"))), all::toString);

    Cli.Out table = podman("search", "--tls-verify=false", reg + "/");
    assertTrue(table.text().startsWith("NAME"), table::toString);
    assertTrue(table.text().contains(reg + "/it/podman-bb"), table::toString);

    // A term: podman tries /v1/search, then filters the catalog itself.
    JsonArray arm = JsonParser.parseString(podman("search", "--tls-verify=false", "--format",
        "json", reg + "/arm").text()).getAsJsonArray();
    assertEquals(1, arm.size(), arm::toString);
    assertEquals(reg + "/it/podman-arm", arm.get(0).getAsJsonObject().get("Name").getAsString());

    JsonArray tags = JsonParser.parseString(podman("search", "--tls-verify=false", "--list-tags",
        "--format", "json", reg + "/it/podman-bb").text()).getAsJsonArray();
    assertEquals(List.of("1", "v2s2"),
        Oci.strings(tags.get(0).getAsJsonObject().getAsJsonArray("Tags")), tags::toString);
  }

  @Test
  @Order(5)
  void manifestListIsPushedAsAnOciIndex() throws Exception {
    Programs.skipUnless(pushedDigest != null, "the push (pushesOciAndDockerSchema2) failed");
    String armDigest = manifest("it/podman-arm", "1").header("Docker-Content-Digest");
    podman("manifest", "create", "localhost/berth-list:1");
    podman("manifest", "add", "--tls-verify=false", "localhost/berth-list:1",
        "docker://" + reg + "/it/podman-bb:1");
    podman("manifest", "add", "--tls-verify=false", "localhost/berth-list:1",
        "docker://" + reg + "/it/podman-arm:1");
    Path digestFile = work.resolve("digest-list");
    podman("manifest", "push", "--all", "--tls-verify=false", "--format", "oci", "--digestfile",
        digestFile.toString(), "localhost/berth-list:1", "docker://" + reg + "/it/podman-list:multi");
    String listDigest = Files.readString(digestFile).trim();

    RegistryClient.Response r = manifest("it/podman-list", "multi");
    assertEquals(listDigest, r.header("Docker-Content-Digest"));
    assertEquals(Oci.OCI_INDEX, r.header("Content-Type"));
    JsonObject index = Oci.json(r.body());
    assertEquals(Oci.OCI_INDEX, index.get("mediaType").getAsString(), index::toString);
    Map<String, JsonObject> platforms = new HashMap<>();
    for (JsonElement e : index.getAsJsonArray("manifests")) {
      JsonObject d = e.getAsJsonObject();
      assertEquals(Oci.OCI_MANIFEST, d.get("mediaType").getAsString(), index::toString);
      platforms.put(d.get("digest").getAsString(), d.getAsJsonObject("platform"));
    }
    assertEquals(2, platforms.size(), index::toString);
    JsonObject first = platforms.get(pushedDigest);
    assertNotNull(first, index::toString);
    assertEquals(localArch, first.get("architecture").getAsString());
    assertEquals("linux", first.get("os").getAsString());
    JsonObject second = platforms.get(armDigest);
    assertNotNull(second, index::toString);
    assertEquals("arm64", second.get("architecture").getAsString());
    assertEquals("linux", second.get("os").getAsString());
    // Children were pushed by digest into the list's repository before the index.
    for (String child : platforms.keySet()) {
      manifest("it/podman-list", child);
    }

    // Pulling the index for a platform resolves the right child.
    String ref = reg + "/it/podman-list:multi";
    podmanB("pull", "--tls-verify=false", "--arch", "arm64", ref);
    JsonObject pulled = JsonParser.parseString(podmanB("image", "inspect", ref).text())
        .getAsJsonArray().get(0).getAsJsonObject();
    assertEquals(armImageId, pulled.get("Id").getAsString(), pulled::toString);
    assertEquals("arm64", pulled.get("Architecture").getAsString());
    assertFalse(pulled.get("Id").getAsString().equals(imageId));
  }
}
