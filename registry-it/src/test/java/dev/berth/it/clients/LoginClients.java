package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.OrasTempFiles;
import dev.berth.it.support.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.Registry;
import land.oras.auth.UsernamePasswordProvider;
import land.oras.exception.OrasException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients log in to the launcher over TLS (a self-signed EC certificate openssl made,
 * trusted through {@code --cert-dir} or a CA file; Jib alone skips verification), as user alice
 * of an htpasswd file that Debian's {@code htpasswd -B} wrote: skopeo ({@code --creds} and
 * {@code login}), podman (login, push, pull into an empty store), buildah push, the ORAS Java
 * SDK and Jib with credentials; anonymous callers are refused; and with
 * {@code --anonymous-pull} skopeo and podman pull without logging in while a push without
 * credentials is still refused. Subclasses choose the mode: HTTP Basic, or Berth's token server.
 */
abstract class LoginClients {

  static final String USER = "alice";
  static final String PASSWORD = "s3cret:with colon";

  static Path work;
  static TestTls tls;
  static Path certDir;
  static Path layout;
  static Path htpasswd;
  static BerthProcess berth;
  static String reg;

  /** Starts the launcher in the subclass's mode (its flags after the common ones). */
  static void start(Path dir, String... modeFlags) throws Exception {
    Programs.require("htpasswd");
    work = dir;
    tls = TestTls.make(work.resolve("tls"));
    certDir = tls.certDir("server", tls.ecCertificate, false);
    layout = OciLayout.write(work.resolve("layout"), "v1", "hello after logging in\n");
    htpasswd = work.resolve("htpasswd");
    Programs.check(work, null, Cli.TIMEOUT, "htpasswd", "-Bbc", htpasswd.toString(), USER,
        PASSWORD);
    berth = launch(modeFlags);
    reg = berth.authority();
  }

  static BerthProcess launch(String... modeFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--storage", work.resolve("data-"
        + System.nanoTime()).toString(), "--tls-certificate", tls.ecCertificate.toString(),
        "--tls-key", tls.ecKey.toString(), "--htpasswd", htpasswd.toString()));
    args.addAll(List.of(modeFlags));
    return BerthProcess.start(args.toArray(String[]::new));
  }

  /** The clients' short folders under /tmp, removed at the end. */
  static final List<Path> SCRATCH = new ArrayList<>();

  @AfterAll
  static void stop() throws Exception {
    Launcher.stop(berth);
    for (Path p : SCRATCH) {
      if (Files.exists(p)) {
        try (var files = Files.walk(p)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    SCRATCH.clear();
  }

  static String creds() {
    return USER + ":" + PASSWORD;
  }

  SecureClients clients(String name) throws Exception {
    // podman refuses a runroot path longer than 50 characters: a short folder of its own.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "bl");
    SCRATCH.add(dir);
    return new SecureClients(dir);
  }

  @Test
  void skopeoWithCreds() throws Exception {
    Programs.require("skopeo");
    SecureClients c = clients("skopeo-creds");
    String ref = "docker://" + reg + "/login/skopeo:v1";
    Cli.Out anonymous = c.run(c.skopeo("copy", "--dest-cert-dir", certDir.toString(),
        "oci:" + layout + ":v1", ref));
    assertFalse(anonymous.ok(), anonymous::toString);
    c.check(c.skopeo("copy", "--dest-cert-dir", certDir.toString(), "--dest-creds", creds(),
        "oci:" + layout + ":v1", ref));
    Cli.Out anonymousRead = c.run(c.skopeo("inspect", "--raw", "--cert-dir", certDir.toString(),
        ref));
    assertFalse(anonymousRead.ok(), anonymousRead::toString);
    String raw = c.check(c.skopeo("inspect", "--raw", "--cert-dir", certDir.toString(),
        "--creds", creds(), ref)).text();
    assertTrue(raw.contains(Oci.OCI_LAYER_GZIP), raw);
    Cli.Out wrong = c.run(c.skopeo("inspect", "--raw", "--cert-dir", certDir.toString(),
        "--creds", USER + ":wrong", ref));
    assertFalse(wrong.ok(), wrong::toString);
  }

  @Test
  void skopeoLogin() throws Exception {
    Programs.require("skopeo");
    SecureClients c = clients("skopeo-login");
    Cli.Out refused = c.run(c.skopeo("login", "--authfile", c.authFile.toString(),
        "--cert-dir", certDir.toString(), "-u", USER, "-p", "wrong", reg));
    assertFalse(refused.ok(), refused::toString);
    c.check(c.skopeo("login", "--authfile", c.authFile.toString(), "--cert-dir",
        certDir.toString(), "-u", USER, "-p", PASSWORD, reg));
    String ref = "docker://" + reg + "/login/skopeo-login:v1";
    c.check(c.skopeo("copy", "--authfile", c.authFile.toString(), "--dest-cert-dir",
        certDir.toString(), "oci:" + layout + ":v1", ref));
    c.check(c.skopeo("inspect", "--authfile", c.authFile.toString(), "--cert-dir",
        certDir.toString(), ref));
  }

  @Test
  void podmanLoginPushPull() throws Exception {
    Programs.require("podman");
    SecureClients c = clients("podman");
    String id = lastLine(c.check(c.storeCommand("podman", "a", "pull", "oci:" + layout + ":v1"))
        .text());
    c.check(c.storeCommand("podman", "a", "login", "--cert-dir", certDir.toString(), "-u", USER,
        "-p", PASSWORD, reg));
    String image = reg + "/login/podman:v1";
    c.check(c.storeCommand("podman", "a", "push", "--cert-dir", certDir.toString(), id,
        "docker://" + image));
    String pulled = lastLine(c.check(c.storeCommand("podman", "b", "pull", "--cert-dir",
        certDir.toString(), image)).text());
    assertEquals(id, pulled, "the pulled image has the pushed one's id (its config digest)");
    c.check(c.storeCommand("podman", "b", "logout", reg));
    Cli.Out anonymous = c.run(c.storeCommand("podman", "b", "pull", "--cert-dir",
        certDir.toString(), image));
    assertFalse(anonymous.ok(), anonymous::toString);
  }

  @Test
  void buildahPush() throws Exception {
    Programs.require("buildah");
    SecureClients c = clients("buildah");
    String id = lastLine(c.check(c.storeCommand("buildah", "c", "pull", "oci:" + layout
        + ":v1")).text());
    String ref = "docker://" + reg + "/login/buildah:v1";
    Cli.Out anonymous = c.run(c.storeCommand("buildah", "c", "push", "--cert-dir",
        certDir.toString(), id, ref));
    assertFalse(anonymous.ok(), anonymous::toString);
    c.check(c.storeCommand("buildah", "c", "push", "--cert-dir", certDir.toString(), "--creds",
        creds(), id, ref));
    SecureClients check = clients("buildah-check");
    check.check(check.skopeo("inspect", "--cert-dir", certDir.toString(), "--creds", creds(),
        ref));
  }

  @Test
  void orasJavaSdkWithCredentials() throws Exception {
    OrasTempFiles sdkTemp = OrasTempFiles.snapshot();
    try {
      Path file = Files.writeString(work.resolve("artifact.txt"), "pushed with a login\n");
      ContainerRef ref = ContainerRef.parse(reg + "/login/oras:v1");
      Registry anonymous = Registry.builder().withCaFile(tls.ecCertificate).build();
      assertThrows(OrasException.class, () -> anonymous.pushArtifact(ref,
          ArtifactType.from("application/vnd.berth.login"), LocalPath.of(file, "text/plain")));
      Registry alice = Registry.builder().withAuthProvider(new UsernamePasswordProvider(USER,
          PASSWORD)).withCaFile(tls.ecCertificate).build();
      Manifest pushed = alice.pushArtifact(ref, ArtifactType.from("application/vnd.berth.login"),
          LocalPath.of(file, "text/plain"));
      Path out = Files.createDirectories(work.resolve("oras-out"));
      alice.pullArtifact(ref, out, true);
      assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(out.resolve(
          "artifact.txt")));
      assertTrue(pushed.getDescriptor().getDigest().startsWith("sha256:"));
    } finally {
      sdkTemp.removeNew();
    }
  }

  @Test
  void jibWithCredentials() throws Exception {
    Programs.require("skopeo");
    Path hello = Files.writeString(work.resolve("jib-hello.txt"), "from jib, logged in\n");
    String ref = reg + "/login/jib:v1";
    // Jib trusts the JVM's CAs only; allowInsecureRegistries makes it accept this certificate
    // unverified (it still speaks HTTPS and sends the credentials only there).
    JibContainer pushed = Jib.fromScratch().addLayer(List.of(hello),
        AbsoluteUnixPath.get("/app")).setCreationTime(Instant.EPOCH).containerize(
            Containerizer.to(RegistryImage.named(ref).addCredential(USER, PASSWORD))
                .setAllowInsecureRegistries(true).setToolName("berth-it")
                .setBaseImageLayersCache(work.resolve("jib/base"))
                .setApplicationLayersCache(work.resolve("jib/app")));
    SecureClients c = clients("jib-check");
    byte[] raw = c.check(c.skopeo("inspect", "--raw", "--cert-dir", certDir.toString(),
        "--creds", creds(), "docker://" + ref)).stdout();
    assertEquals(pushed.getDigest().toString(), Oci.sha256(raw));
  }

  @Test
  void anonymousPullWithAuthenticatedPush() throws Exception {
    Programs.require("skopeo");
    Programs.require("podman");
    BerthProcess open = launch(anonymousPullFlags());
    try {
      String ref = "docker://" + open.authority() + "/public/image:v1";
      SecureClients c = clients("anonymous-pull");
      Cli.Out anonymousPush = c.run(c.skopeo("copy", "--dest-cert-dir", certDir.toString(),
          "oci:" + layout + ":v1", ref));
      assertFalse(anonymousPush.ok(), anonymousPush::toString);
      c.check(c.skopeo("copy", "--dest-cert-dir", certDir.toString(), "--dest-creds", creds(),
          "oci:" + layout + ":v1", ref));
      c.check(c.skopeo("inspect", "--cert-dir", certDir.toString(), ref));
      c.check(c.storeCommand("podman", "d", "pull", "--cert-dir", certDir.toString(),
          open.authority() + "/public/image:v1"));
    } finally {
      Launcher.stop(open);
    }
  }

  /** The subclass's mode flags plus {@code --anonymous-pull}. */
  abstract String[] anonymousPullFlags();

  static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].trim();
  }
}
