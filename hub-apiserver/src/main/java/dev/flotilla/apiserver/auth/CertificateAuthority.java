package dev.flotilla.apiserver.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/** The cluster's self-signed CA and the API server's serving certificate, as PEM files in pki/. */
public final class CertificateAuthority {
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(365);

  /** Renew the serving certificate this long before it expires, so clients never see it lapse. */
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  /**
   * Backdate notBefore so clients with slightly slow clocks accept a freshly minted certificate.
   */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private static final List<String> DEFAULT_SANS = List.of("localhost", "127.0.0.1", "::1");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path pki;
  private final String caCertPem;

  private CertificateAuthority(Path pki, String caCertPem) {
    this.pki = pki;
    this.caCertPem = caCertPem;
  }

  /**
   * Loads {@code dataDir/pki}, creating the CA and serving certificate on first start. The serving
   * certificate is re-issued (with the same CA) when it lacks a requested SAN, was not signed by
   * this CA, or expires within 30 days; the CA itself is never replaced automatically, since every
   * kubeconfig embeds it.
   *
   * @param extraSans DNS names and IP literals the server is reached by, besides localhost
   */
  public static CertificateAuthority loadOrCreate(Path dataDir, List<String> extraSans) {
    Path pki = dataDir.resolve("pki");
    try {
      Files.createDirectories(pki);
      Path caCrt = pki.resolve("ca.crt");
      Path caKey = pki.resolve("ca.key");
      X509Certificate ca;
      PrivateKey caPrivate;
      if (!Files.exists(caCrt) && !Files.exists(caKey)) {
        KeyPair kp = newKeyPair();
        ca = selfSignedCa(kp);
        caPrivate = kp.getPrivate();
        SecureFiles.write(caKey, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), true);
        SecureFiles.write(caCrt, pem("CERTIFICATE", ca.getEncoded()), false);
      } else if (Files.exists(caCrt) && Files.exists(caKey)) {
        ca = readCertificate(caCrt);
        caPrivate = readPrivateKey(caKey);
      } else {
        throw new IllegalStateException(
            "only one of "
                + caCrt
                + " and "
                + caKey
                + " exists; restore"
                + " the missing file, or delete "
                + pki
                + " to create a new CA (existing kubeconfigs"
                + " then stop trusting the server)");
      }
      Set<String> wanted = new LinkedHashSet<>(DEFAULT_SANS);
      for (String s : extraSans) {
        if (s != null && !s.isBlank()) {
          wanted.add(s.trim());
        }
      }
      Path srvCrt = pki.resolve("server.crt");
      Path srvKey = pki.resolve("server.key");
      String caPem = pem("CERTIFICATE", ca.getEncoded());
      if (!serverCertUsable(srvCrt, srvKey, ca, wanted)
          || !Files.readString(srvCrt).contains(caPem)) {
        KeyPair kp = newKeyPair();
        X509Certificate srv = serverCertificate(kp.getPublic(), ca, caPrivate, wanted);
        SecureFiles.write(srvKey, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), true);
        // The chain carries the CA too, so a joining agent can check it against the
        // --discovery-token-ca-cert-hash pin before it trusts the hub (kubeadm's CA pinning).
        SecureFiles.write(srvCrt, pem("CERTIFICATE", srv.getEncoded()) + caPem, false);
      }
      return new CertificateAuthority(pki, Files.readString(caCrt));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load or create certificates in " + pki, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot load or create certificates in " + pki + ": " + e, e);
    }
  }

  public Path caCertPath() {
    return pki.resolve("ca.crt");
  }

  public Path caKeyPath() {
    return pki.resolve("ca.key");
  }

  public Path serverCertPath() {
    return pki.resolve("server.crt");
  }

  public Path serverKeyPath() {
    return pki.resolve("server.key");
  }

  /** The CA certificate in PEM form, for kubeconfig {@code certificate-authority-data}. */
  public String caCertPem() {
    return caCertPem;
  }

  /**
   * Loads the EC key pair kept as {@code keyFile} (private, 0600) and {@code keyFile}'s sibling
   * {@code .pub} file, creating both on first use (e.g. {@code pki/sa.key} and {@code sa.pub}, as
   * kubeadm names the service account signing key).
   */
  public static KeyPair loadOrCreateKeyPair(Path keyFile) {
    Path pubFile =
        keyFile.resolveSibling(keyFile.getFileName().toString().replaceAll("\\.key$", "") + ".pub");
    try {
      if (Files.exists(keyFile) && Files.exists(pubFile)) {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(pubFile)))) {
          Object o = p.readObject();
          if (!(o instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info)) {
            throw new IOException(pubFile + " does not hold a PEM public key");
          }
          return new KeyPair(new JcaPEMKeyConverter().getPublicKey(info), readPrivateKey(keyFile));
        }
      }
      KeyPair kp = newKeyPair();
      SecureFiles.write(keyFile, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), true);
      SecureFiles.write(pubFile, pem("PUBLIC KEY", kp.getPublic().getEncoded()), false);
      return kp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load or create the key pair " + keyFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the key pair " + keyFile + ": " + e, e);
    }
  }

  /** A client certificate and its private key, PEM-encoded, for a kubeconfig. */
  public record ClientCredential(String certificatePem, String keyPem) {}

  /**
   * Issues a client certificate signed by this CA for user {@code commonName} in {@code
   * organizations} (the groups), valid for {@code validity}.
   */
  public ClientCredential issueClientCertificate(
      String commonName, List<String> organizations, Duration validity) {
    try {
      X509Certificate ca = readCertificate(caCertPath());
      PrivateKey caKey = readPrivateKey(caKeyPath());
      KeyPair kp = newKeyPair();
      org.bouncycastle.asn1.x500.X500NameBuilder subject =
          new org.bouncycastle.asn1.x500.X500NameBuilder(
              org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE);
      for (String o : organizations) {
        subject.addRDN(org.bouncycastle.asn1.x500.style.BCStyle.O, o);
      }
      subject.addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, commonName);
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  ca,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  subject.build(),
                  kp.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      X509Certificate cert = sign(b, caKey);
      return new ClientCredential(
          pem("CERTIFICATE", cert.getEncoded()), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CA in " + pki, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a client certificate: " + e, e);
    }
  }

  /**
   * Signs a client certificate for a PKCS#10 request, as kube-controller-manager's CSR signer: the
   * request's subject and subject alternative names, client authentication, {@code
   * digitalSignature} (and {@code keyEncipherment} when asked), valid from five minutes ago until
   * {@code notAfter} or the CA's own expiry, whichever is first. Returns the certificate as PEM.
   */
  public String signClientRequest(
      org.bouncycastle.pkcs.PKCS10CertificationRequest request,
      Instant notAfter,
      boolean keyEncipherment) {
    try {
      X509Certificate ca = readCertificate(caCertPath());
      PrivateKey caKey = readPrivateKey(caKeyPath());
      Instant caEnd = ca.getNotAfter().toInstant();
      Instant end = notAfter.isAfter(caEnd) ? caEnd : notAfter;
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new X509v3CertificateBuilder(
                  X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                  serial(),
                  Date.from(Instant.now().minus(Duration.ofMinutes(5))),
                  Date.from(end),
                  request.getSubject(),
                  request.getSubjectPublicKeyInfo())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(
                      KeyUsage.digitalSignature | (keyEncipherment ? KeyUsage.keyEncipherment : 0)))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      for (org.bouncycastle.asn1.pkcs.Attribute a :
          request.getAttributes(
              org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        org.bouncycastle.asn1.x509.Extensions requested =
            org.bouncycastle.asn1.x509.Extensions.getInstance(a.getAttrValues().getObjectAt(0));
        Extension sans = requested.getExtension(Extension.subjectAlternativeName);
        if (sans != null) {
          b.addExtension(sans);
        }
      }
      return pem("CERTIFICATE", sign(b, caKey).getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CA in " + pki, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a client certificate: " + e, e);
    }
  }

  private static boolean serverCertUsable(
      Path crt, Path key, X509Certificate ca, Set<String> wanted) {
    if (!Files.exists(crt) || !Files.exists(key)) {
      return false;
    }
    try {
      X509Certificate cert = readCertificate(crt);
      readPrivateKey(key); // a corrupt key must trigger re-issue, not a failure at TLS start-up
      cert.verify(ca.getPublicKey());
      cert.checkValidity(Date.from(Instant.now().plus(RENEW_BEFORE)));
      Set<String> have = new LinkedHashSet<>();
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          have.add(normalize(String.valueOf(san.get(1))));
        }
      }
      return wanted.stream().map(CertificateAuthority::normalize).allMatch(have::contains);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Canonical SAN text: IPs in InetAddress form ("::1" and "0:0:0:0:0:0:0:1" agree), DNS
   * lower-case.
   */
  private static String normalize(String san) {
    if (IPAddress.isValid(san)) {
      try {
        return InetAddress.getByName(san).getHostAddress(); // a literal: no DNS lookup happens
      } catch (UnknownHostException e) {
        return san;
      }
    }
    return san.toLowerCase(Locale.ROOT);
  }

  /** EC P-256: small, fast, and accepted by Go (kubectl) and Java TLS stacks alike. */
  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static X509Certificate selfSignedCa(KeyPair kp)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Name name = new X500Name("CN=flotilla-ca");
    Instant now = Instant.now();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
                name,
                serial(),
                Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(CA_VALIDITY)),
                name,
                kp.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                ext.createSubjectKeyIdentifier(kp.getPublic()));
    return sign(b, kp.getPrivate());
  }

  private static X509Certificate serverCertificate(
      PublicKey key, X509Certificate ca, PrivateKey caKey, Set<String> sans)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    List<GeneralName> names = new ArrayList<>();
    for (String s : sans) {
      names.add(
          IPAddress.isValid(s)
              ? new GeneralName(GeneralName.iPAddress, s)
              : new GeneralName(GeneralName.dNSName, s));
    }
    Instant now = Instant.now();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
                ca,
                serial(),
                Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(SERVER_VALIDITY)),
                new X500Name("CN=flotilla-apiserver"),
                key)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
            .addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(names.toArray(GeneralName[]::new)))
            .addExtension(
                Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
            .addExtension(
                Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    return sign(b, caKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws GeneralSecurityException, OperatorCreationException {
    String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(alg).build(signer));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  /** Positive 127-bit random serial: unique enough, and within RFC 5280's 20-octet limit. */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static X509Certificate readCertificate(Path file)
      throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder h)) {
        throw new IOException(file + " does not hold a PEM certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(h);
    }
  }

  /**
   * Accepts PKCS#8 ("PRIVATE KEY") and OpenSSL ("EC/RSA PRIVATE KEY") PEM, so operators may supply
   * either.
   */
  private static PrivateKey readPrivateKey(Path file) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return conv.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      throw new IOException(file + " does not hold an unencrypted PEM private key");
    }
  }
}
