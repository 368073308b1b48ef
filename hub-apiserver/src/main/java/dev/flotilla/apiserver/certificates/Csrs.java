package dev.flotilla.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/** Reading CertificateSigningRequest objects: the PKCS#10 request, its subject, conditions. */
public final class Csrs {
  public static final String GROUP = "certificates.k8s.io";
  public static final String PLURAL = "certificatesigningrequests";

  /** Upstream's signer for client certificates that kube-apiserver trusts. */
  public static final String CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";

  public static final String APPROVED = "Approved";
  public static final String DENIED = "Denied";
  public static final String FAILED = "Failed";

  private Csrs() {}

  /**
   * The PKCS#10 request in {@code spec.request} (base64 of PEM, as JSON carries Go's []byte), its
   * self-signature checked; IllegalArgumentException says what is wrong in upstream's words.
   */
  public static PKCS10CertificationRequest request(JsonNode csr) {
    String b64 = csr.path("spec").path("request").asText("");
    if (b64.isEmpty()) {
      throw new IllegalArgumentException("Required value");
    }
    String pem;
    try {
      pem = new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be base64-encoded PEM: " + e.getMessage());
    }
    return parsePem(pem);
  }

  /** A PEM "CERTIFICATE REQUEST" with a valid self-signature. */
  public static PKCS10CertificationRequest parsePem(String pem) {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (!(o instanceof PKCS10CertificationRequest req)) {
        throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
      }
      if (!req.isSignatureValid(
          new JcaContentVerifierProviderBuilder()
              .build(
                  new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                      .getPublicKey(req.getSubjectPublicKeyInfo())))) {
        throw new IllegalArgumentException("the request's signature is invalid");
      }
      return req;
    } catch (IOException | OperatorCreationException | PKCSException e) {
      throw new IllegalArgumentException("cannot parse the certificate request: " + e.getMessage());
    }
  }

  /** The subject's common name, "" when there is none. */
  public static String commonName(PKCS10CertificationRequest req) {
    RDN[] cn = req.getSubject().getRDNs(BCStyle.CN);
    return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
  }

  /** The subject's organizations (the groups an x509 authenticator reads), in order. */
  public static List<String> organizations(PKCS10CertificationRequest req) {
    List<String> out = new ArrayList<>();
    for (RDN rdn : req.getSubject().getRDNs(BCStyle.O)) {
      out.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return out;
  }

  /** Whether {@code status.conditions} holds a condition of {@code type} with status True. */
  public static boolean has(JsonNode csr, String type) {
    for (JsonNode c : csr.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText("True"))) {
        return true;
      }
    }
    return false;
  }

  /** The CSR's usages, as strings. */
  public static List<String> usages(JsonNode csr) {
    List<String> out = new ArrayList<>();
    csr.path("spec").path("usages").forEach(u -> out.add(u.asText()));
    return out;
  }

  public static String signerName(JsonNode csr) {
    return csr.path("spec").path("signerName").asText("");
  }

  /** Appends a condition with upstream's timestamps. */
  public static void addCondition(ObjectNode csr, String type, String reason, String message) {
    String now =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    ObjectNode c = csr.with("status").withArray("conditions").addObject();
    c.put("type", type);
    c.put("status", "True");
    c.put("reason", reason);
    c.put("message", message);
    c.put("lastUpdateTime", now);
    c.put("lastTransitionTime", now);
  }
}
