package dev.berth.registry.auth.seam;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.auth.testing.AuthTestServer;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.util.security.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mode 5: the servlet behind Jetty's own login (Basic, a {@code HashLoginService} with roles).
 * No path is constrained, so anonymous callers reach the registry and the policy decides; a
 * caller that sends credentials is authenticated by the container, and its roles count as the
 * policy's groups.
 */
class ContainerLoginTest {

  static final String POLICY = """
      repositories:
        "team/**":
          policies:
            - groups: [writers]
              actions: [read, create]
            - users: [rita]
              actions: [read]
        "public/**":
          anonymousPolicy: [read]
      adminPolicy:
        groups: [admins]
        actions: [read, create, update, delete]
      """;

  @TempDir
  Path dir;
  AuthTestServer server;
  RegistryClient http;
  Registry registry;

  @BeforeEach
  void start() throws Exception {
    UserStore users = new UserStore();
    users.addUser("walt", new Password("walt-pw"), new String[] {"writers"});
    users.addUser("root", new Password("root-pw"), new String[] {"admins"});
    users.addUser("rita", new Password("rita-pw"), new String[] {"readers"});
    HashLoginService login = new HashLoginService("Berth container");
    login.setUserStore(users);
    ConstraintSecurityHandler security = new ConstraintSecurityHandler();
    security.setLoginService(login);
    security.setAuthenticator(new BasicAuthenticator());
    ConstraintMapping everything = new ConstraintMapping();
    everything.setPathSpec("/*");
    everything.setConstraint(Constraint.ALLOWED);
    security.addConstraintMapping(everything);
    server = AuthTestServer.startSecured(security);
    http = new RegistryClient(server.url());
    registry = Registry.builder().inMemory().build();
    server.serve(registry, AccessController.ALLOW_ALL);
    http.pushSmallImage("team/app", "v1", "team");
    http.pushSmallImage("public/lib", "v1", "public");
    AuthSetup setup = AuthSetup.build(AuthConfig.container(Optional.of(
        "Basic realm=\"Berth container\"")).withPolicy(Roles.writePolicy(dir, POLICY)),
        Clock.systemUTC());
    server.serve(registry, setup.accessController());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    registry.close();
  }

  static String as(String user, String password) {
    return BasicCredentials.of(user, password).toHeader();
  }

  @Test
  void anonymousCallersGetTheContainersChallengeAndWhatThePolicyGivesThem() {
    Response root = http.get("/v2/");
    Response team = http.get("/v2/team/app/manifests/v1");

    assertErrors(root, 401, "UNAUTHORIZED");
    assertEquals("Basic realm=\"Berth container\"", root.header("WWW-Authenticate"));
    assertErrors(team, 401, "UNAUTHORIZED");
    assertEquals(200, http.get("/v2/public/lib/manifests/v1").status());
    assertEquals("{\"repositories\":[\"public/lib\"]}", http.get("/v2/_catalog").text().strip());
  }

  @Test
  void rolesCountAsPolicyGroups() {
    byte[] manifest = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "walt", null, null);

    Response push = http.put("/v2/team/app/manifests/v2", manifest, "Content-Type",
        MediaTypes.OCI_MANIFEST, "Authorization", as("walt", "walt-pw"));
    Response move = http.put("/v2/team/app/manifests/v1", manifest, "Content-Type",
        MediaTypes.OCI_MANIFEST, "Authorization", as("walt", "walt-pw"));
    Response delete = http.delete("/v2/team/app/manifests/v2", "Authorization",
        as("walt", "walt-pw"));
    Response adminDelete = http.delete("/v2/team/app/manifests/v2", "Authorization",
        as("root", "root-pw"));

    assertEquals(201, push.status(), push::toString);
    assertErrors(move, 403, "DENIED");
    assertErrors(delete, 403, "DENIED");
    assertNull(delete.header("WWW-Authenticate"));
    assertEquals(202, adminDelete.status(), adminDelete::toString);
  }

  @Test
  void aUserNamedByThePolicyAndARoleItDoesNotKnow() {
    assertEquals(200, http.get("/v2/team/app/manifests/v1", "Authorization",
        as("rita", "rita-pw")).status());
    assertErrors(http.post("/v2/team/app/blobs/uploads/", null, "Authorization",
        as("rita", "rita-pw")), 403, "DENIED");
    assertEquals("{\"repositories\":[\"public/lib\",\"team/app\"]}", http.get("/v2/_catalog",
        "Authorization", as("rita", "rita-pw")).text().strip());
  }

  @Test
  void wrongCredentialsNeverBecomeTheUser() {
    Response wrong = http.post("/v2/team/app/blobs/uploads/", null, "Authorization",
        as("walt", "not-walts"));

    assertEquals(401, wrong.status(), wrong::toString);
  }
}
