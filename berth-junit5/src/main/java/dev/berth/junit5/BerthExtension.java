package dev.berth.junit5;

import dev.berth.jetty.BerthServer;
import dev.berth.junit5.content.TestContent;
import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.config.HttpOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * A Berth registry for JUnit 5 tests, on an ephemeral loopback port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static BerthExtension registry = BerthExtension.builder()
 *     .storage(RegistryStorage.TEMP_DIR)
 *     .build();
 * }</pre>
 *
 * <p>In a static field (or through {@link BerthTest}) one registry serves the whole class; in an
 * instance field each test gets its own. Before each test the content is emptied (unless
 * {@link Builder#resetContent(boolean) switched off}), the {@link #journal() journal} cleared and
 * every {@link #faults() fault} removed; after it, a 5xx the registry served fails the test
 * ({@link Builder#failOnServerError(boolean)}). Test and lifecycle methods can receive a
 * {@link BerthRuntimeInfo}, {@link Faults} or {@link TestContent} parameter.
 */
public final class BerthExtension implements BeforeAllCallback, AfterAllCallback,
    BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final Builder settings;
  private final RequestJournal journal = new RequestJournal();
  private final Faults faults = new Faults();
  private Builder active;
  private TestRegistries registries;
  private BerthServer server;
  private Path directory;
  private BerthRuntimeInfo info;
  /** Nesting of beforeAll calls (a {@code @Nested} class shares its outer class's registry). */
  private int classDepth;
  private boolean perTest;

  /** For {@link BerthTest}: the settings come from the annotation. */
  public BerthExtension() {
    this(null);
  }

  private BerthExtension(Builder settings) {
    this.settings = settings;
    BerthServer.prepare();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      start(context);
    }
    classDepth++;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (--classDepth == 0 && !perTest) {
      stop();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (server == null) {
      perTest = true;
      start(context);
    } else if (active.resetContent) {
      reset();
    }
    journal.clear();
    faults.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      if (active.failOnServerError) {
        List<RecordedRequest> errors = journal.serverErrors();
        if (!errors.isEmpty()) {
          throw new AssertionFailedError("the registry answered " + errors.size() + " request"
              + (errors.size() == 1 ? "" : "s") + " with a server error during the test (turn"
              + " this check off with failOnServerError(false)):\n" + errors.stream()
              .map(r -> "  " + r).collect(Collectors.joining("\n")));
        }
      }
    } finally {
      faults.clear();
      if (perTest) {
        stop();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == BerthRuntimeInfo.class || type == Faults.class || type == TestContent.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (server == null) {
      throw new ParameterResolutionException("the Berth registry is not running here: one"
          + " registered in an instance field runs from before each test to after it (use a"
          + " static field or @BerthTest for class-level methods)");
    }
    Class<?> type = parameter.getParameter().getType();
    return type == BerthRuntimeInfo.class ? info : type == Faults.class ? faults : content();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:38211/}. */
  public URI url() {
    return runtimeInfo().url();
  }

  /** {@code host:port}, for image references. */
  public String authority() {
    return runtimeInfo().authority();
  }

  /** The registry being served (a new one for each test while content is reset). */
  public Registry registry() {
    return runtimeInfo().registry();
  }

  /** The requests served during the current test. */
  public RequestJournal journal() {
    return journal;
  }

  /** The faults in force during the current test. */
  public Faults faults() {
    return faults;
  }

  /** Test content pushed and read over the registry's HTTP API (journaled). */
  public TestContent content() {
    return TestContent.overHttp(url());
  }

  /** Test content written and read straight through the {@link Registry} API (no HTTP). */
  public TestContent directContent() {
    return TestContent.direct(this::registry);
  }

  /** What a test method would receive as a parameter. */
  public BerthRuntimeInfo runtimeInfo() {
    if (server == null) {
      throw new IllegalStateException("the Berth registry is not running: it starts before the"
          + " tests of its class (static field, @BerthTest) or before each test (instance field)");
    }
    return info;
  }

  private void start(ExtensionContext context) {
    active = settings != null ? settings : fromAnnotation(context);
    registries = new TestRegistries(active.storage, active.registry);
    Registry first = registries.next();
    directory = registries.directory();
    try {
      BerthServer.Builder b = BerthServer.builder(first).access(active.access)
          .httpOptions(active.httpOptions).wrap(new TestHandler(journal, faults));
      active.users.forEach(b::user);
      if (active.tokenServer) {
        b.tokenServer();
      }
      if (active.tls) {
        b.tls();
      }
      server = b.start();
    } catch (RuntimeException e) {
      registries.drop(first, directory);
      registries.close();
      throw e;
    }
    info = new BerthRuntimeInfo(server.url(), this::current, journal,
        server.tlsCertificate().orElse(null));
  }

  private synchronized Registry current() {
    if (server == null) {
      throw new IllegalStateException("the Berth registry was stopped");
    }
    return server.registry();
  }

  /** A new, empty registry behind the same port; the old one is closed (its directory deleted). */
  private synchronized void reset() {
    Registry old = server.registry();
    Path oldDirectory = directory;
    Registry fresh = registries.next();
    directory = registries.directory();
    server.serve(fresh);
    registries.drop(old, oldDirectory);
  }

  private synchronized void stop() {
    if (server == null) {
      return;
    }
    Registry last = server.registry();
    try {
      server.close();
    } finally {
      server = null;
      try {
        registries.drop(last, directory);
      } finally {
        registries.close();
      }
    }
  }

  private static Builder fromAnnotation(ExtensionContext context) {
    Optional<BerthTest> annotation = Optional.empty();
    for (Class<?> c = context.getRequiredTestClass(); c != null && annotation.isEmpty();
        c = c.getEnclosingClass()) {
      annotation = AnnotationSupport.findAnnotation(c, BerthTest.class);
    }
    Builder b = new Builder();
    annotation.ifPresent(a -> {
      b.storage(a.storage()).resetContent(a.resetContent())
          .failOnServerError(a.failOnServerError());
      for (String user : a.users()) {
        int colon = user.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("@BerthTest(users): \"name:password\", got a value"
              + " without a name and colon");
        }
        b.user(user.substring(0, colon), user.substring(colon + 1));
      }
      if (a.tokenServer()) {
        b.tokenServer();
      }
      if (a.tls()) {
        b.tls();
      }
    });
    return b;
  }

  /** Settings of a {@link BerthExtension}. */
  public static final class Builder {
    private RegistryStorage storage = RegistryStorage.MEMORY;
    private boolean resetContent = true;
    private boolean failOnServerError = true;
    private Consumer<Registry.Builder> registry = b -> { };
    private HttpOptions httpOptions = HttpOptions.defaults();
    private AccessController access = AccessController.ALLOW_ALL;
    private Map<String, String> users = new LinkedHashMap<>();
    private boolean tokenServer;
    private boolean tls;

    private Builder() {}

    /** Where the registry keeps its content: {@link RegistryStorage#MEMORY} by default. */
    public Builder storage(RegistryStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** Start every test with an empty registry (the default). */
    public Builder resetContent(boolean reset) {
      this.resetContent = reset;
      return this;
    }

    /** Fail a test during which the registry answered a 5xx that no fault injected (default). */
    public Builder failOnServerError(boolean fail) {
      this.failOnServerError = fail;
      return this;
    }

    /**
     * Configures each registry before it is built, e.g. {@code b -> b.deletesEnabled(false)}. The
     * storage is the extension's ({@link #storage}).
     */
    public Builder registry(Consumer<Registry.Builder> configuration) {
      this.registry = Objects.requireNonNull(configuration, "configuration");
      return this;
    }

    /** How the servlet speaks HTTP (relative URLs, trusted proxies, minimum body rate). */
    public Builder httpOptions(HttpOptions options) {
      this.httpOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The access seam every request passes (everything is allowed by default). */
    public Builder access(AccessController access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /**
     * A user who may do everything (HTTP Basic, or tokens with {@link #tokenServer}); with users
     * anonymous callers may do nothing. Without any the registry stays open.
     */
    public Builder user(String name, String password) {
      users.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(password,
          "password"));
      return this;
    }

    /** The users log in at Berth's own token server ({@code /auth/token}, service berth). */
    public Builder tokenServer() {
      this.tokenServer = true;
      return this;
    }

    /**
     * HTTPS on a certificate made for the test: {@link BerthRuntimeInfo#tlsCertificate()} hands
     * its clients what they need to trust it.
     */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    public BerthExtension build() {
      Builder copy = new Builder();
      copy.storage = storage;
      copy.resetContent = resetContent;
      copy.failOnServerError = failOnServerError;
      copy.registry = registry;
      copy.httpOptions = httpOptions;
      copy.access = access;
      copy.users = new LinkedHashMap<>(users);
      copy.tokenServer = tokenServer;
      copy.tls = tls;
      return new BerthExtension(copy);
    }
  }
}
