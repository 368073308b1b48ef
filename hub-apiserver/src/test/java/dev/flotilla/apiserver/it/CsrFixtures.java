package dev.flotilla.apiserver.it;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A fresh P-256 key and a PEM certificate request for a subject, as openssl req would make. */
record CsrFixtures(String requestPem, String keyPem) {

  static CsrFixtures of(String commonName, List<String> organizations) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      organizations.forEach(o -> subject.addRDN(BCStyle.O, o));
      subject.addRDN(BCStyle.CN, commonName);
      var req =
          new JcaPKCS10CertificationRequestBuilder(subject.build(), kp.getPublic())
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
      return new CsrFixtures(
          pem(req),
          "-----BEGIN PRIVATE KEY-----\n"
              + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(kp.getPrivate().getEncoded())
              + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A CertificateSigningRequest manifest for this request. */
  String manifest(String name, String signer, List<String> usages, long expirationSeconds) {
    return "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: "
        + name
        + "\nspec:\n  username: admin\n  groups: [system:masters]\n  signerName: "
        + signer
        + "\n  expirationSeconds: "
        + expirationSeconds
        + "\n  usages: ["
        + String.join(", ", usages)
        + "]\n  request: "
        + java.util.Base64.getEncoder().encodeToString(requestPem.getBytes())
        + "\n";
  }
}
