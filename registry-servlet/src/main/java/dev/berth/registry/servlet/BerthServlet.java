package dev.berth.registry.servlet;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Action;
import dev.berth.registry.access.Caller;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The whole HTTP surface of a Berth registry, as one servlet for any Jakarta Servlet 6 container.
 * Map it to {@code /*}; clients expect {@code /v2/} at the root of the host.
 *
 * <p>Every request is matched against the {@link Route} table, passes the {@link AccessController}
 * (who, repository, action) and only then reaches its handler. Errors become the distribution-spec
 * envelope in one place; anything unexpected is logged and answered with a generic 500.
 *
 * <p>Programmatic use: {@code new BerthServlet(registry)}. In a {@code web.xml}, the no-argument
 * constructor reads the init parameters {@code storage} (a directory, or {@code memory}) and
 * {@code deletesEnabled}.
 */
public class BerthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger(BerthServlet.class.getName());

  private transient Registry registry;
  private transient AccessController access;
  private boolean relativeUrls;
  private transient ManifestHandlers manifests;
  private transient BlobHandlers blobs;
  private transient UploadHandlers uploads;
  private transient ListingHandlers listings;
  private transient ReferrersHandlers referrers;

  /** For containers that instantiate servlets themselves; configured in {@link #init()}. */
  public BerthServlet() {}

  public BerthServlet(Registry registry) {
    this(registry, AccessController.ALLOW_ALL, false);
  }

  /**
   * @param access the access seam every request passes
   * @param relativeUrls send {@code Location} as a path instead of an absolute URL
   */
  public BerthServlet(Registry registry, AccessController access, boolean relativeUrls) {
    setUp(registry, access, relativeUrls);
  }

  private void setUp(Registry registry, AccessController access, boolean relativeUrls) {
    this.registry = registry;
    this.access = access;
    this.relativeUrls = relativeUrls;
    this.manifests = new ManifestHandlers(registry);
    this.blobs = new BlobHandlers(registry);
    this.uploads = new UploadHandlers(registry, access);
    this.listings = new ListingHandlers(registry);
    this.referrers = new ReferrersHandlers(registry);
  }

  @Override
  public void init() throws ServletException {
    if (registry != null) {
      return;
    }
    Object shared = getServletContext().getAttribute(Registry.class.getName());
    if (shared instanceof Registry given) {
      setUp(given, AccessController.ALLOW_ALL, false);
      return;
    }
    String storage = Optional.ofNullable(getInitParameter("storage")).orElse("memory");
    Registry.Builder builder = Registry.builder();
    if (storage.equals("memory")) {
      builder.inMemory();
    } else {
      builder.filesystem(Path.of(storage));
    }
    String deletes = getInitParameter("deletesEnabled");
    if (deletes != null) {
      builder.deletesEnabled(Boolean.parseBoolean(deletes));
    }
    setUp(builder.build(), AccessController.ALLOW_ALL,
        Boolean.parseBoolean(getInitParameter("relativeUrls")));
  }

  public Registry registry() {
    return registry;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    String method = request.getMethod();
    boolean head = "HEAD".equals(method);
    Caller caller = new Caller(Optional.ofNullable(request.getUserPrincipal()).map(p -> p.getName()),
        Optional.ofNullable(request.getHeader("Authorization")), request.getRemoteAddr());
    AccessRequest accessRequest = null;
    Route route = null;
    java.util.Map<String, String> errorHeaders = new java.util.LinkedHashMap<>();
    try {
      String path = PercentDecoding.decode(request.getRequestURI()
          .substring(request.getContextPath().length()));
      Route.Match match = Route.match(path);
      if (match == null) {
        throw new RegistryException(ErrorCode.ROUTE_UNKNOWN, "no route for " + method + " " + path);
      }
      route = match.route();
      Action action = route.action(method);
      if (action == null) {
        errorHeaders.put("Allow", String.join(", ", new TreeSet<>(match.route().methods())));
        throw new RegistryException(ErrorCode.UNSUPPORTED, method + " is not supported on " + path);
      }
      Exchange ex = new Exchange(request, response, match, relativeUrls);
      Optional<RepositoryName> repository = ex.hasRepository()
          ? Optional.of(ex.repository()) : Optional.empty();
      accessRequest = new AccessRequest(caller, repository, action);
      access.authorize(accessRequest);
      dispatch(match.route(), method, ex, caller);
    } catch (BlobHandlers.RangeNotSatisfiable e) {
      errorHeaders.put("Content-Range", "bytes */" + e.size);
      fail(request, response, e, head, errorHeaders);
    } catch (RegistryException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED && accessRequest != null) {
        access.challenge(accessRequest).ifPresent(c -> errorHeaders.put("WWW-Authenticate", c));
      }
      if (e.httpStatus() == 405 && route != null && !errorHeaders.containsKey("Allow")) {
        // A method the route has but the registry refuses (DELETE with deletes disabled): a 405
        // must still list what the resource allows (RFC 9110 15.5.6).
        TreeSet<String> allowed = new TreeSet<>(route.methods());
        allowed.remove(method);
        errorHeaders.put("Allow", String.join(", ", allowed));
      }
      fail(request, response, e, head, errorHeaders);
    } catch (IOException e) {
      // The client went away mid-transfer; nothing more can be sent.
      LOG.log(Level.DEBUG, () -> method + " " + request.getRequestURI() + ": " + e);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, method + " " + request.getRequestURI() + " failed", e);
      fail(request, response, new RegistryException(ErrorCode.UNKNOWN,
          "internal error; the registry's log has the details"), head, errorHeaders);
    }
  }

  private void dispatch(Route route, String method, Exchange ex, Caller caller) throws IOException {
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
      case UPLOADS -> uploads.post(ex, caller);
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

  /** Replaces whatever a handler began with the error envelope and the given headers. */
  private static void fail(HttpServletRequest request, HttpServletResponse response,
      RegistryException e, boolean head, java.util.Map<String, String> headers)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    headers.forEach(response::setHeader);
    if (!drainBody(request)) {
      // A long body left unread: say the connection ends, so that no client reuses it.
      response.setHeader("Connection", "close");
    }
    ErrorResponses.write(response, e, head);
  }

  private static final int DRAIN_LIMIT = 1024 * 1024;

  /**
   * Reads what is left of a refused request's body (up to 1 MiB), so that the connection stays
   * usable: a container that closes a connection with unread bytes races a client that sends its
   * next request on it.
   *
   * @return whether the body was read to its end
   */
  private static boolean drainBody(HttpServletRequest request) {
    if (request.getContentLengthLong() == 0) {
      return true;
    }
    try {
      var in = request.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      long drained = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        drained += n;
        if (drained > DRAIN_LIMIT) {
          return false;
        }
      }
      return true;
    } catch (IOException | IllegalStateException e) {
      return false;
    }
  }
}
