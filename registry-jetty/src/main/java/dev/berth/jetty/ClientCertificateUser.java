package dev.berth.jetty;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Makes a verified TLS client certificate's subject CN the request's user principal, which the
 * servlet hands the access seam as {@code Caller.principal}: the policy then treats the CN as a
 * user name, as a servlet container's CLIENT-CERT login would. Jetty has verified the chain
 * against the configured CAs before the request exists (need-client-auth), so a certificate seen
 * here is trusted; one without a CN leaves the request anonymous.
 */
final class ClientCertificateUser implements Filter {

  /** Where the Servlet specification puts the client's chain (leaf first). */
  static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Optional<String> user = Optional.empty();
    if (request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certificates
        && certificates.length > 0) {
      user = commonName(certificates[0]);
    }
    if (user.isPresent() && request instanceof HttpServletRequest http) {
      Principal principal = new CertificatePrincipal(user.get());
      chain.doFilter(new HttpServletRequestWrapper(http) {
        @Override
        public Principal getUserPrincipal() {
          return principal;
        }

        @Override
        public String getRemoteUser() {
          return principal.getName();
        }
      }, response);
      return;
    }
    chain.doFilter(request, response);
  }

  /** The subject's (last, most specific) CN, if it has one. */
  static Optional<String> commonName(X509Certificate certificate) {
    try {
      LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
      String cn = null;
      for (Rdn rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = String.valueOf(rdn.getValue());
        }
      }
      return Optional.ofNullable(cn).filter(s -> !s.isBlank());
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  private record CertificatePrincipal(String getName) implements Principal {}
}
