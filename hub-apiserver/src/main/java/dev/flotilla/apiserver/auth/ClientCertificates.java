package dev.flotilla.apiserver.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * x509 client-certificate authentication as kube-apiserver's {@code --client-ca-file}: the TLS
 * handshake has verified the chain to the hub's CA; the user is the subject's CN and the groups are
 * its O entries. A certificate without a CN, or whose extended key usage excludes client
 * authentication, authenticates no one.
 */
public final class ClientCertificates {
  /** Session value under which the verdict for a connection's certificate is kept. */
  private static final String SESSION_KEY = "dev.flotilla.client-user";

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final Verdict NONE = new Verdict(null, Instant.MAX);

  private ClientCertificates() {}

  /** What a session's certificate says, until when. */
  private record Verdict(UserInfo user, Instant notAfter) {}

  /**
   * The user of the session's client certificate, if any. Decided once per TLS session (kept in the
   * session), so requests on a kept-alive connection cost a lookup; expiry is checked every time.
   */
  public static Optional<UserInfo> user(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Verdict v = (Verdict) session.getValue(SESSION_KEY);
    if (v == null) {
      v = verdict(session);
      session.putValue(SESSION_KEY, v);
    }
    if (v.user() == null || !Instant.now().isBefore(v.notAfter())) {
      return Optional.empty();
    }
    return Optional.of(v.user());
  }

  private static Verdict verdict(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return NONE; // no certificate sent: a token user
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return NONE;
    }
    return userOf(cert).map(u -> new Verdict(u, cert.getNotAfter().toInstant())).orElse(NONE);
  }

  /** The user a verified client certificate names: CN, groups from O, fingerprint as extra. */
  static Optional<UserInfo> userOf(X509Certificate cert) {
    try {
      List<String> usages = cert.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        return Optional.empty();
      }
      String cn = null;
      List<String> groups = new ArrayList<>();
      // getRdns() lists the RDNs in the certificate's (DER) order, so groups keep the subject's.
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && cn == null) {
          cn = String.valueOf(rdn.getValue());
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(String.valueOf(rdn.getValue()));
        }
      }
      if (cn == null || cn.isEmpty()) {
        return Optional.empty();
      }
      String fingerprint =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
      return Optional.of(
          new UserInfo(
              cn,
              "",
              groups,
              Map.of(ServiceAccountTokens.CREDENTIAL_ID, List.of("X509SHA256=" + fingerprint))));
    } catch (CertificateParsingException
        | CertificateEncodingException
        | InvalidNameException
        | NoSuchAlgorithmException e) {
      return Optional.empty();
    }
  }
}
