package dev.berth.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.berth.junit5.content.TestContent;
import dev.berth.registry.Registry;
import dev.berth.registry.storage.FileSystemStorage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension's lifecycles, run through the JUnit engine on sample classes (nested here, so that
 * only the engine runs them): one registry per class or per test, content reset or kept, server
 * errors failing a test, parameters, temporary directories.
 */
class ExtensionLifecycleTest {

  /** What the sample classes saw, in order. */
  static final List<Object> SEEN = new ArrayList<>();
  /** The samples run only through {@link #run}, never on their own (a -Dtest pattern). */
  static volatile boolean viaTestKit;

  static boolean viaTestKit() {
    return viaTestKit;
  }

  static Events run(Class<?> sample) {
    return execute(sample).testEvents();
  }

  static org.junit.platform.testkit.engine.EngineExecutionResults execute(Class<?> sample) {
    SEEN.clear();
    viaTestKit = true;
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    } finally {
      viaTestKit = false;
    }
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class PerClass {
    @RegisterExtension
    static BerthExtension berth = BerthExtension.builder().build();

    @Test
    void a() {
      SEEN.add(berth.url());
      berth.content().image("app").tag("v1").push();
      SEEN.add(berth.content().tags("app"));
    }

    @Test
    void b() {
      SEEN.add(berth.url());
      SEEN.add(berth.content().tags("app"));
    }
  }

  @Test
  void aStaticFieldServesTheClassAndEmptiesTheRegistryBeforeEachTest() {
    run(PerClass.class).assertStatistics(s -> s.succeeded(2).failed(0));

    assertEquals(SEEN.get(0), SEEN.get(2), "one registry, one URL");
    assertEquals(List.of("v1"), SEEN.get(1));
    assertEquals(List.of(), SEEN.get(3), "the second test starts empty");
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class KeepContent {
    @RegisterExtension
    static BerthExtension berth = BerthExtension.builder().resetContent(false).build();

    @Test
    void a() {
      berth.directContent().image("app").tag("v1").push();
    }

    @Test
    void b() {
      SEEN.add(berth.directContent().tags("app"));
    }
  }

  @Test
  void contentCanBeKeptBetweenTests() {
    run(KeepContent.class).assertStatistics(s -> s.succeeded(2));

    assertEquals(List.of(List.of("v1")), SEEN);
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class PerTest {
    @RegisterExtension
    BerthExtension berth = BerthExtension.builder().build();

    @Test
    void a(BerthRuntimeInfo info) {
      SEEN.add(info.url());
      SEEN.add(berth.url());
    }

    @Test
    void b() {
      SEEN.add(berth.url());
    }
  }

  @Test
  void anInstanceFieldServesOneTest() {
    run(PerTest.class).assertStatistics(s -> s.succeeded(2));

    assertEquals(SEEN.get(0), SEEN.get(1));
    assertNotEquals(SEEN.get(0), SEEN.get(2), "each test has its own registry");
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  static class PerTestInBeforeAll {
    @RegisterExtension
    BerthExtension berth = BerthExtension.builder().build();

    @BeforeAll
    static void tooEarly(BerthRuntimeInfo info) {
      SEEN.add(info);
    }

    @Test
    void test() {}
  }

  @Test
  void anInstanceFieldIsNotThereForBeforeAll() {
    Events events = execute(PerTestInBeforeAll.class).containerEvents();

    Throwable failure = events.failed().stream().findFirst().orElseThrow()
        .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable()
        .orElseThrow();
    // JUnit registers an instance field's extension with the instance, after @BeforeAll.
    assertTrue(failure instanceof ParameterResolutionException, failure::toString);
    assertTrue(failure.getMessage().startsWith("No ParameterResolver registered for parameter"
        + " [dev.berth.junit5.BerthRuntimeInfo"), failure.getMessage());
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  static class ServerError {
    @RegisterExtension
    static BerthExtension berth = BerthExtension.builder()
        .access(request -> {
          throw new IllegalStateException("a bug in the access controller");
        }).build();

    @Test
    void causesA500() throws Exception {
      SEEN.add(Http.get(berth.url(), "/v2/").statusCode());
    }
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  static class ServerErrorAllowed {
    @RegisterExtension
    static BerthExtension berth = BerthExtension.builder().failOnServerError(false)
        .access(request -> {
          throw new IllegalStateException("a bug in the access controller");
        }).build();

    @Test
    void causesA500() throws Exception {
      SEEN.add(Http.get(berth.url(), "/v2/").statusCode());
    }
  }

  @Test
  void aServerErrorFailsTheTestUnlessAllowed() {
    Events events = run(ServerError.class);

    events.assertStatistics(s -> s.failed(1));
    assertEquals(List.of(500), SEEN);
    Throwable failure = events.failed().stream().findFirst().orElseThrow()
        .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable()
        .orElseThrow();
    assertTrue(failure.getMessage().startsWith("the registry answered 1 request with a server"
        + " error during the test"), failure.getMessage());
    assertTrue(failure.getMessage().contains("GET /v2/ -> 500"), failure.getMessage());

    run(ServerErrorAllowed.class).assertStatistics(s -> s.succeeded(1));
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  @BerthTest
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class Annotated {
    @BeforeAll
    static void beforeAll(BerthRuntimeInfo info) {
      SEEN.add(info.url());
    }

    @BeforeEach
    void beforeEach(BerthRuntimeInfo info, TestContent content) {
      SEEN.add(info.url());
      content.image("seeded").tag("1").push();
    }

    @Test
    void a(BerthRuntimeInfo info, Faults faults, TestContent content) {
      SEEN.add(info.url());
      SEEN.add(content.tags("seeded"));
      SEEN.add(faults != null);
      SEEN.add(info.authority());
    }

    @AfterAll
    static void afterAll(BerthRuntimeInfo info) {
      SEEN.add(info.url());
    }

    @Nested
    class Inner {
      @Test
      void b(BerthRuntimeInfo info) {
        SEEN.add(info.url());
      }
    }
  }

  @Test
  void theAnnotationServesLifecycleMethodsAndNestedClasses() {
    run(Annotated.class).assertStatistics(s -> s.succeeded(2));

    URI url = (URI) SEEN.get(0);
    assertEquals(List.of(url, url, url, List.of("1"), true, url.getAuthority(), url, url, url),
        SEEN);
  }

  @EnabledIf("dev.berth.junit5.ExtensionLifecycleTest#viaTestKit")
  @BerthTest(storage = RegistryStorage.TEMP_DIR)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class OnDisk {
    @Test
    void a(BerthRuntimeInfo info) {
      Registry registry = info.registry();
      Path root = ((FileSystemStorage) registry.storage()).root();
      TestContent.direct(registry).image("app").tag("v1").push();
      SEEN.add(root);
      SEEN.add(Files.isDirectory(root.resolve("docker/registry/v2/repositories/app")));
    }

    @Test
    void b(BerthRuntimeInfo info) {
      SEEN.add(((FileSystemStorage) info.registry().storage()).root());
    }
  }

  @Test
  void aTemporaryDirectoryPerResetDeletedAfterwards() {
    run(OnDisk.class).assertStatistics(s -> s.succeeded(2));

    Path first = (Path) SEEN.get(0);
    Path second = (Path) SEEN.get(2);
    assertEquals(true, SEEN.get(1), "content on disk, in registry:2's layout");
    assertNotEquals(first, second);
    assertEquals(first.getParent(), second.getParent());
    assertFalse(Files.exists(first.getParent()), "the temporary directory was left behind");
  }
}
