package dev.berth.registry.servlet;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.Caller;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.servlet.config.HttpOptions;
import dev.berth.registry.servlet.config.SettingKey;
import dev.berth.registry.servlet.config.Settings;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The whole HTTP surface of a Berth registry, as one servlet for any Jakarta Servlet 6 container.
 * Map it to {@code /*} (clients expect {@code /v2/} at the root of the host), or under a prefix
 * ({@code /registry/*}) behind a proxy that strips it.
 *
 * <p>Every request is matched against the {@link Route} table, passes the {@link AccessController}
 * (who, and every access record the request needs: {@link AccessNeeds}) and only then reaches its
 * handler, which asks the returned {@link dev.berth.registry.access.Permit} any later question.
 * Bodies are read without holding a thread ({@link AsyncBody}). Errors become the distribution-spec envelope in one place
 * ({@link Failures}); anything unexpected is logged and answered with a generic 500.
 *
 * <p>Programmatic use: {@code new BerthServlet(registry)}. In a {@code web.xml}, the no-argument
 * constructor reads every setting of {@link Settings#KEYS} that applies to a servlet from the init
 * params of the same name ({@code storage.path}, {@code deletes.enabled}, {@code gc.interval}, ...;
 * the older names {@code storage}, {@code deletesEnabled} and {@code relativeUrls} are read too), or
 * serves a {@link Registry} the application put in the servlet context under its class name.
 */
public class BerthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** The methods a registry in read-only mode still answers. */
  static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  /** Init params of earlier versions, and the settings they stand for. */
  private static final Map<String, String> ALIASES = Map.of("storage", "storage.path",
      "deletesEnabled", "deletes.enabled", "relativeUrls", "http.relativeUrls");

  private transient Registry registry;
  private transient AccessController access;
  private transient HttpOptions options;
  private transient Failures failures;
  private transient ManifestHandlers manifests;
  private transient BlobHandlers blobs;
  private transient UploadHandlers uploads;
  private transient ListingHandlers listings;
  private transient ReferrersHandlers referrers;
  private transient RequestObserver observer = RequestObserver.NONE;
  private transient HealthCheck health;
  /** Set when {@link #init()} built the registry from init params: then the servlet owns it. */
  private transient Maintenance maintenance;

  /** For containers that instantiate servlets themselves; configured in {@link #init()}. */
  public BerthServlet() {}

  public BerthServlet(Registry registry) {
    this(registry, AccessController.ALLOW_ALL, HttpOptions.defaults());
  }

  /**
   * @param access the access seam every request passes
   * @param relativeUrls send {@code Location} as a path instead of an absolute URL
   */
  public BerthServlet(Registry registry, AccessController access, boolean relativeUrls) {
    this(registry, access, HttpOptions.defaults().withRelativeUrls(relativeUrls));
  }

  /**
   * @param access the access seam every request passes
   * @param options how the servlet speaks HTTP (URLs, trusted proxies, minimum body rate)
   */
  public BerthServlet(Registry registry, AccessController access, HttpOptions options) {
    setUp(registry, access, options);
  }

  /**
   * @param access the access seam every request passes
   * @param options how the servlet speaks HTTP (URLs, trusted proxies, minimum body rate)
   * @param observer told of every request (metrics, the access log)
   * @param health what {@code /readyz} answers from
   */
  public BerthServlet(Registry registry, AccessController access, HttpOptions options,
      RequestObserver observer, HealthCheck health) {
    setUp(registry, access, options);
    this.observer = observer;
    this.health = health;
  }

  private void setUp(Registry registry, AccessController access, HttpOptions options) {
    this.registry = registry;
    this.health = HealthCheck.of(() -> registry);
    this.access = access;
    this.options = options;
    this.failures = new Failures();
    Events events = new Events(registry);
    this.manifests = new ManifestHandlers(registry, events);
    this.blobs = new BlobHandlers(registry, events);
    this.uploads = new UploadHandlers(registry, events);
    this.listings = new ListingHandlers(registry);
    this.referrers = new ReferrersHandlers(registry);
  }

  @Override
  public void init() throws ServletException {
    if (registry != null) {
      return;
    }
    Settings settings;
    try {
      settings = settingsFromInitParams();
    } catch (IllegalArgumentException e) {
      throw new ServletException("berth: " + e.getMessage(), e);
    }
    java.util.List<Settings.Problem> problems = settings.problems(
        k -> k.scope() == SettingKey.Scope.SERVLET);
    if (!problems.isEmpty()) {
      throw new ServletException("berth: " + String.join("; ", problems.stream()
          .map(Settings.Problem::toString).toList()));
    }
    Object shared = getServletContext().getAttribute(Registry.class.getName());
    if (shared instanceof Registry given) {
      setUp(given, AccessController.ALLOW_ALL, settings.httpOptions());
      return;
    }
    Registry built = settings.buildRegistry();
    setUp(built, AccessController.ALLOW_ALL, settings.httpOptions());
    health = HealthCheck.of(() -> built, settings.bool("health.storage.enabled"),
        settings.duration("health.storage.interval"), settings.integer("health.storage.threshold"));
    maintenance = Maintenance.start(built, settings,
        line -> System.getLogger(BerthServlet.class.getName())
            .log(Level.INFO, "berth: " + line));
  }

  /** Every init param must be a setting that applies to a servlet, so typos do not pass. */
  private Settings settingsFromInitParams() {
    Settings settings = new Settings();
    for (String name : Collections.list(getInitParameterNames())) {
      String key = ALIASES.getOrDefault(name, name);
      SettingKey known = Settings.key(key).filter(k -> k.scope() == SettingKey.Scope.SERVLET)
          .orElseThrow(() -> new IllegalArgumentException("unknown init-param '" + name
              + "'; the servlet reads: " + String.join(", ", servletKeys())));
      settings.set(known.name(), getInitParameter(name), "init-param " + name);
    }
    return settings;
  }

  private static TreeSet<String> servletKeys() {
    TreeSet<String> names = new TreeSet<>();
    Settings.KEYS.stream().filter(k -> k.scope() == SettingKey.Scope.SERVLET)
        .forEach(k -> names.add(k.name()));
    return names;
  }

  /** Stops the schedule and closes the registry, when {@link #init()} built them. */
  @Override
  public void destroy() {
    if (maintenance != null) {
      maintenance.close();
      registry.close();
    }
  }

  public Registry registry() {
    return registry;
  }

  /** Headers every answer carries, errors included. */
  static void commonHeaders(HttpServletResponse response) {
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    response.setHeader("X-Content-Type-Options", "nosniff");
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    commonHeaders(response);
    String method = request.getMethod();
    String path = Exchange.rawPath(request);
    Route.Match match = Route.match(path);
    boolean healthPath = path.equals("/livez") || path.equals("/readyz");
    Observation seen = observer == RequestObserver.NONE ? null : Observation.begin(observer,
        healthPath ? Route.HEALTH : match == null ? Route.UNKNOWN : match.route().handlerName(),
        request, ClientAddress.of(request, options.trustedProxies()));
    Exchange ex = new Exchange(request, response, match, options, failures);
    ex.observation = seen;
    if (seen != null) {
      seen.exchange(ex);
    }
    try {
      if (healthPath && READ_METHODS.contains(method)) {
        health(ex, path);
        return;
      }
      if (match == null) {
        throw new RegistryException(ErrorCode.ROUTE_UNKNOWN, "no route for " + method + " " + path);
      }
      if (!match.route().accepts(method)) {
        throw new RegistryException(ErrorCode.UNSUPPORTED, method + " is not supported on "
            + path);
      }
      ex.permit = access.authorize(AccessNeeds.of(match.route(), method, ex, caller(request)));
      if (registry.readOnly() && !READ_METHODS.contains(method)) {
        // After authorization, as distribution checks access before its handlers refuse.
        throw new RegistryException(ErrorCode.READ_ONLY, method + " " + path + " refused: the"
            + " registry is in read-only mode; reads keep working");
      }
      dispatch(match.route(), method, ex);
    } catch (Throwable t) {
      try {
        ex.fail(t);
      } catch (Failures.CutConnection cut) {
        throw new IOException("answer cut off: " + cut.getCause(), cut.getCause());
      }
    } finally {
      if (seen != null) {
        seen.serviceReturned();
      }
    }
  }

  /**
   * {@code /livez}: the process serves; {@code /readyz}: the storage is reachable and writable
   * ({@link HealthCheck}), 503 with the reason while not. Outside the {@code /v2/} API, so no
   * repository can be named so; the management port answers the same.
   */
  private void health(Exchange ex, String path) throws IOException {
    if (path.equals("/livez")) {
      ex.sendJson(200, "{\"status\":\"live\"}");
      return;
    }
    HealthCheck.Status status = health.status();
    ex.sendJson(status.ready() ? 200 : 503, status.json());
  }

  /**
   * Who asks: the container's principal and roles (asked of the request while it runs), the
   * credentials, and where the client came from.
   */
  private Caller caller(HttpServletRequest request) {
    Optional<String> principal = Optional.ofNullable(request.getUserPrincipal())
        .map(p -> p.getName());
    Predicate<String> roles = principal.isPresent() ? request::isUserInRole : role -> false;
    return new Caller(principal, Optional.ofNullable(request.getHeader("Authorization")),
        request.getRemoteAddr(), Optional.of(origin(request)), roles);
  }

  /** Where clients reach the registry: the configured external URL, else the request's origin. */
  private String origin(HttpServletRequest request) {
    String external = options.externalBase();
    return external != null ? external : Origin.of(request, options.trustedProxies()).base();
  }

  private void dispatch(Route route, String method, Exchange ex) throws IOException {
    switch (route) {
      case BASE -> listings.base(ex);
      case CATALOG -> listings.catalog(ex);
      case TAGS -> listings.tags(ex);
      case MANIFEST -> {
        switch (method) {
          case "PUT" -> manifests.put(ex);
          case "DELETE" -> manifests.delete(ex);
          default -> manifests.get(ex);
        }
      }
      case UPLOADS -> uploads.post(ex);
      case UPLOAD -> {
        switch (method) {
          case "PATCH" -> uploads.patch(ex);
          case "PUT" -> uploads.put(ex);
          case "DELETE" -> uploads.cancel(ex);
          default -> uploads.status(ex);
        }
      }
      case BLOB -> {
        if (method.equals("DELETE")) {
          blobs.delete(ex);
        } else {
          blobs.get(ex);
        }
      }
      case REFERRERS -> referrers.oci(ex);
      case ORAS_REFERRERS -> referrers.oras(ex);
      case ORAS_MANIFEST -> manifests.getOras(ex);
    }
  }
}
