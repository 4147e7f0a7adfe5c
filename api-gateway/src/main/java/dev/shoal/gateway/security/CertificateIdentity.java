package dev.shoal.gateway.security;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.Identifiers;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The identity a verified client certificate stands for: the principal is its subject's common
 * name (CN), the role is the one organisational unit among {@code OU=admin}, {@code OU=deployer}
 * and {@code OU=reader} (other OUs are ignored). Whoever runs the CA decides both when issuing;
 * a certificate naming no role, or two, is refused rather than guessed at.
 */
final class CertificateIdentity {
  private CertificateIdentity() {}

  static Identity of(X509Certificate cert) {
    String subject = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    String cn = null;
    List<Role> roles = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        String value = String.valueOf(rdn.getValue());
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = value;
        } else if (rdn.getType().equalsIgnoreCase("OU")) {
          for (Role r : Role.values()) {
            if (r.id().equalsIgnoreCase(value)) {
              roles.add(r);
            }
          }
        }
      }
    } catch (InvalidNameException e) {
      throw ApiException.forbidden("the client certificate's subject cannot be read: " + subject);
    }
    if (cn == null || !Identifiers.token(cn)) {
      throw ApiException.forbidden("the client certificate's subject (" + subject + ") needs a CN of 1-256 printable"
          + " characters without spaces: it becomes the principal recorded on every change");
    }
    if (roles.size() != 1) {
      throw ApiException.forbidden("the client certificate of CN=" + cn + " must name exactly one role as"
          + " OU=admin, OU=deployer or OU=reader; it names " + (roles.isEmpty() ? "none" : roles.size()));
    }
    return new Identity(cn, roles.get(0), Identity.Source.CERTIFICATE);
  }
}
