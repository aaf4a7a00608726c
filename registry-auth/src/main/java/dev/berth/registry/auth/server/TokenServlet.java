package dev.berth.registry.auth.server;

import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.basic.HtpasswdStore;
import dev.berth.registry.auth.token.TokenIssuer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in token server as a servlet (mount it at e.g. {@code /auth/token} and put that URL
 * in the registry's {@code realm}): {@code GET} for Docker's flow, {@code POST} for the OAuth2
 * form that containerd and podman try first. The rules live in {@link TokenEndpoint}; this class
 * reads the request and writes the JSON.
 *
 * <p>The form body is read by this class, not by the container's parameter parsing, so a
 * password never comes from a query string on POST and the body size is capped here.
 */
public final class TokenServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = System.getLogger(TokenServlet.class.getName());

  /** A form larger than this is refused: a refresh token and a few scopes fit many times. */
  static final int MAX_FORM_BYTES = 64 * 1024;
  /** How much of a form over the limit is read and dropped before the 413; the rest is cut off. */
  private static final long DRAIN_BEFORE_REFUSAL = 1L << 20;

  private final transient TokenEndpoint endpoint;

  /**
   * @param users the htpasswd users who may log in
   * @param policy what they (and anonymous callers) may be granted
   * @param issuer signs the tokens
   * @param service the registry's service name: the tokens' audience
   * @param realm the Basic realm sent with a 401
   */
  public TokenServlet(HtpasswdStore users, Authorizer policy, TokenIssuer issuer, String service,
      String realm) {
    this.endpoint = new TokenEndpoint(users, policy, issuer, service, realm);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String query = request.getQueryString();
    if (query != null && query.length() > MAX_FORM_BYTES) {
      write(response, endpointError(414, "query string too long"));
      return;
    }
    Map<String, List<String>> params = parse(query == null ? "" : query);
    answer(response, () -> endpoint.get(
        Optional.ofNullable(request.getHeader("Authorization")), params));
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String type = request.getContentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT)
        .startsWith("application/x-www-form-urlencoded")) {
      write(response, endpointError(415,
          "the token form must be application/x-www-form-urlencoded"));
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = request.getContentLengthLong() > MAX_FORM_BYTES ? null
          : in.readNBytes(MAX_FORM_BYTES + 1);
      if (body == null || body.length > MAX_FORM_BYTES) {
        // Read the rest first (up to a bound): a client still sending when the server answers
        // and closes sees a reset connection instead of the 413.
        long left = DRAIN_BEFORE_REFUSAL;
        while (left > 0 && in.read() >= 0) {
          left -= 1 + in.skip(Math.min(left, 64 * 1024));
        }
        write(response, endpointError(413, "form larger than " + MAX_FORM_BYTES + " bytes"));
        return;
      }
    }
    Map<String, List<String>> form = parse(new String(body, StandardCharsets.UTF_8));
    answer(response, () -> endpoint.post(form));
  }

  private interface Call {
    TokenReply run();
  }

  private void answer(HttpServletResponse response, Call call) throws IOException {
    TokenReply reply;
    try {
      reply = call.run();
    } catch (AuthConfigException e) {
      // The htpasswd or policy file is broken: fail closed, tell the operator, not the client.
      LOG.log(Level.ERROR, "token request refused: " + e.getMessage());
      reply = endpointError(500, "the token server cannot decide; its log has the details");
    }
    write(response, reply);
  }

  private static TokenReply endpointError(int status, String message) {
    String code = status == 500 ? "UNKNOWN" : "UNSUPPORTED_VALUE";
    return new TokenReply(status, Map.of("Cache-Control", "no-store"),
        "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}");
  }

  private static void write(HttpServletResponse response, TokenReply reply) throws IOException {
    response.setStatus(reply.status());
    reply.headers().forEach(response::setHeader);
    byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** {@code a=1&b=2&a=3} with percent-decoding and {@code +} as space. */
  static Map<String, List<String>> parse(String encoded) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            k -> new ArrayList<>()).add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // A malformed escape: skip the pair, as Go's url.ParseQuery skips what it cannot read.
      }
    }
    return out;
  }
}
