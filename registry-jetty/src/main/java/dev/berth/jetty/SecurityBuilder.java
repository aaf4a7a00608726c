package dev.berth.jetty;

import dev.berth.registry.auth.seam.AuthSetup;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The TLS and authentication half of {@link BerthServer.Builder}: HTTPS from a key store or from a
 * certificate made for the test, HTTP/2, client certificates, and users given in code or the
 * launcher's {@link AuthSetup}. Embedded registries stay open unless one of these asks otherwise.
 *
 * @param <B> the builder, so that calls chain
 */
public abstract class SecurityBuilder<B extends SecurityBuilder<B>> {

  final ServerSecurity security = new ServerSecurity();

  SecurityBuilder() {}

  abstract B self();

    /**
     * Serves HTTPS with the key and certificate chain in {@code keyStore} instead of plain HTTP:
     * HTTP/2 or HTTP/1.1, as the client's ALPN asks ({@link #http2}).
     */
    public B https(KeyStore keyStore, char[] password) {
      security.keyStore = Objects.requireNonNull(keyStore, "keyStore");
      security.keyStorePassword = Objects.requireNonNull(password, "password").clone();
      return self();
    }

    /**
     * Serves HTTPS with a self-signed certificate made now for localhost, 127.0.0.1 and ::1;
     * {@link BerthServer#tlsCertificate()} hands the test what its clients need to trust it.
     */
    public B tls() {
      security.generateCertificate();
      return self();
    }

    /** Whether HTTPS offers HTTP/2 through ALPN (it does by default). */
    public B http2(boolean offered) {
      security.http2 = offered;
      return self();
    }

    /**
     * Requires a client certificate that chains to one of {@code cas} on every HTTPS connection;
     * its subject CN is the request's user (the policy's user, or with {@link #user} a user who
     * needs no password on such a connection).
     */
    public B clientCertificates(Collection<X509Certificate> cas) {
      security.clientCas = ServerSecurity.trustStore(List.copyOf(cas));
      return self();
    }

    /** Authentication and authorization from registry-auth (the launcher's configured mode). */
    public B auth(AuthSetup auth) {
      security.auth = Objects.requireNonNull(auth, "auth");
      return self();
    }

    /**
     * A user who may do everything, with HTTP Basic (or with {@link #tokenServer} tokens for their
     * password); anonymous callers may then do nothing. Without users a server stays open.
     */
    public B user(String name, String password) {
      security.users.put(Objects.requireNonNull(name, "name"),
          Objects.requireNonNull(password, "password"));
      return self();
    }

    /** The users authenticate at Berth's own token server ({@code /auth/token}), service berth. */
    public B tokenServer() {
      return tokenServer("berth");
    }

    /** The same, with the tokens' audience ({@code service}) named. */
    public B tokenServer(String service) {
      security.tokenService = Objects.requireNonNull(service, "service");
      return self();
    }

}
