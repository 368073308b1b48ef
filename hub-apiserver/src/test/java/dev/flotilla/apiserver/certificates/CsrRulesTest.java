package dev.flotilla.apiserver.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kube-apiserver-client signer's usage rule and Karmada's agent CSR recognition, as tables. */
class CsrRulesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "client auth|",
        "digital signature,client auth|",
        "digital signature,key encipherment,client auth|",
        "server auth|invalid usage for client certificate: server auth",
        "digital signature|missing required usage for client certificate: client auth",
        "client auth,signing|invalid usage for client certificate: signing",
      })
  void clientSignerUsages(String usages, String refusal) {
    assertEquals(refusal, ClientSigner.invalidUsages(Arrays.asList(usages.split(","))));
  }

  @ParameterizedTest(name = "CN={0} O={1} usages={2} SAN={3} -> {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "system:karmada:agent:member1|system:karmada:agents|digital signature,client auth|false|member1",
        "system:karmada:agent:member1|system:karmada:agents|digital signature,key encipherment,client auth|false|member1",
        "system:karmada:agent:member1|system:karmada:agents|client auth|false|",
        "system:karmada:agent:member1|system:karmada:agents,system:masters|digital signature,client auth|false|",
        "system:karmada:agent:member1|system:karmada:agents|digital signature,client auth|true|",
        "system:karmada:agent:|system:karmada:agents|digital signature,client auth|false|",
        "alice|system:karmada:agents|digital signature,client auth|false|",
      })
  void agentCsrs(String cn, String orgs, String usages, boolean san, String cluster)
      throws Exception {
    assertEquals(
        cluster,
        AgentCsrApprover.agentCluster(
            request(cn, List.of(orgs.split(",")), san), Set.of(usages.split(","))));
  }

  private static PKCS10CertificationRequest request(String cn, List<String> orgs, boolean san)
      throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    orgs.forEach(o -> subject.addRDN(BCStyle.O, o));
    subject.addRDN(BCStyle.CN, cn);
    var builder = new JcaPKCS10CertificationRequestBuilder(subject.build(), kp.getPublic());
    if (san) {
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, "evil.example")));
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    }
    return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
  }
}
