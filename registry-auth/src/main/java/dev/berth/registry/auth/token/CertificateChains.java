package dev.berth.registry.auth.token;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Validates an {@code x5c} chain against the root bundle with the JDK's PKIX implementation, the
 * way distribution does with Go's {@code x509.Verify}: the first certificate is the leaf, the rest
 * are candidate intermediates in any order (Go takes them as a pool), revocation is not checked
 * (distribution does not either), extended key usage is not required ({@code ExtKeyUsageAny}),
 * and a leaf that is itself one of the roots is accepted.
 */
final class CertificateChains {

  private CertificateChains() {}

  /** The leaf, once its chain is valid at {@code at}; throws if it is not. */
  static X509Certificate verify(List<X509Certificate> x5c, Set<TrustAnchor> anchors, Date at)
      throws GeneralSecurityException {
    if (x5c.isEmpty()) {
      throw new CertPathValidatorException("empty x5c chain");
    }
    if (anchors.isEmpty()) {
      throw new CertPathValidatorException("x5c chain but no root certificate bundle configured");
    }
    X509Certificate leaf = x5c.get(0);
    for (TrustAnchor anchor : anchors) {
      if (anchor.getTrustedCert().equals(leaf)) {
        leaf.checkValidity(at);
        return leaf;
      }
    }
    // The builder finds the path through the given intermediates (order-free, like Go's pool);
    // the validator then checks that path explicitly: signatures, validity at `at`, CA
    // constraints, path length.
    X509CertSelector target = new X509CertSelector();
    target.setCertificate(leaf);
    PKIXBuilderParameters build = new PKIXBuilderParameters(anchors, target);
    build.setRevocationEnabled(false);
    build.setDate(at);
    build.addCertStore(CertStore.getInstance("Collection",
        new CollectionCertStoreParameters(x5c)));
    PKIXCertPathBuilderResult built =
        (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(build);
    PKIXParameters validate = new PKIXParameters(anchors);
    validate.setRevocationEnabled(false);
    validate.setDate(at);
    CertPathValidator.getInstance("PKIX").validate(built.getCertPath(), validate);
    return leaf;
  }
}
