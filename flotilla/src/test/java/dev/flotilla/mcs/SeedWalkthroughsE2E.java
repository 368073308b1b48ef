package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.sim.dns.MemberDns;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Both seed walkthroughs as their example READMEs write them, one after the other on one hub with
 * no prefix configured: Karmada's (MCS objects on the hub, CRDs propagated by policy over the ones
 * the agents installed at join, {@code derived-serve}), then ACK One's (MCS objects in the members,
 * {@code amcs-service1}), each ending with DNS lookups by dnsjava's resolver against the consumer
 * member's DNS endpoint; then the fleet-wide discovery example.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedWalkthroughsE2E {
  static McsFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = new McsFleet(null);
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void karmadaWalkthrough() throws Exception {
    String out = Walkthroughs.run(fleet, Examples.dir("karmada-mcs").resolve("README.md"));
    assertTrue(out.contains("derived-serve"), out);
    assertTrue(out.contains("derived-serve-member1"), out);

    // The agent's CRD, taken over by the propagated one: managed now, and still marked as the
    // agent's (so it is released, not deleted, when the policy goes).
    CustomResourceDefinition crd =
        fleet
            .member("member1")
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("serviceexports.multicluster.x-k8s.io")
            .get();
    assertEquals("true", crd.getMetadata().getLabels().get("karmada.io/managed"));
    assertEquals("true", crd.getMetadata().getAnnotations().get("agent.flotilla.dev/installed"));
    assertNoConflictingWork("member1");

    KubernetesClient m2 = fleet.member("member2");
    String ip = importIp(m2, "default", "serve");
    String derivedIp =
        m2.services()
            .inNamespace("default")
            .withName("derived-serve")
            .get()
            .getSpec()
            .getClusterIP();
    assertEquals(derivedIp, ip, "the ServiceImport's ips are the derived Service's ClusterIP");
    SimpleResolver dns = resolver(m2, false);
    assertEquals(Set.of(ip), answers(ask(dns, "serve.default.svc.clusterset.local", Type.A)));
    assertEquals(
        Set.of(derivedIp), answers(ask(dns, "derived-serve.default.svc.cluster.local", Type.A)));
    assertEquals(
        Set.of("0 100 80 serve.default.svc.clusterset.local."),
        answers(ask(resolver(m2, true), "serve.default.svc.clusterset.local", Type.SRV)));
    assertEquals(
        Rcode.NXDOMAIN, ask(dns, "nothing.default.svc.clusterset.local", Type.A).getRcode());
  }

  @Test
  @Order(2)
  void ackOneWalkthroughOnTheSameHub() throws Exception {
    String out = Walkthroughs.run(fleet, Examples.dir("ack-one-fleet").resolve("README.md"));
    assertTrue(out.contains("amcs-service1"), out);
    assertTrue(out.contains("multicluster clusterset.local"), out);
    KubernetesClient m2 = fleet.member("member2");
    assertNull(
        m2.services().inNamespace("provider-ns").withName("derived-service1").get(),
        "an import made in the member gets ACK's name only");
    assertTrue(
        m2.services().inNamespace("default").withName("derived-serve").get() != null,
        "Karmada's import keeps Karmada's name");

    String ip = importIp(m2, "provider-ns", "service1");
    String derivedIp =
        m2.services()
            .inNamespace("provider-ns")
            .withName("amcs-service1")
            .get()
            .getSpec()
            .getClusterIP();
    assertEquals(derivedIp, ip);
    for (boolean tcp : new boolean[] {false, true}) {
      SimpleResolver dns = resolver(m2, tcp);
      assertEquals(
          Set.of(ip), answers(ask(dns, "service1.provider-ns.svc.clusterset.local", Type.A)));
      assertEquals(
          Set.of("0 100 80 service1.provider-ns.svc.clusterset.local."),
          answers(ask(dns, "_http._tcp.service1.provider-ns.svc.clusterset.local", Type.SRV)));
      assertEquals(
          Set.of(derivedIp),
          answers(ask(dns, "amcs-service1.provider-ns.svc.cluster.local", Type.A)));
    }
    // The provider's own cluster-local name resolves in the provider, to its pods' Service.
    KubernetesClient m1 = fleet.member("member1");
    String providerIp =
        m1.services()
            .inNamespace("provider-ns")
            .withName("service1")
            .get()
            .getSpec()
            .getClusterIP();
    assertEquals(
        Set.of(providerIp),
        answers(ask(resolver(m1, false), "service1.provider-ns.svc.cluster.local", Type.A)));
  }

  @Test
  @Order(3)
  void fleetDiscoveryReadme() throws Exception {
    String out = Walkthroughs.run(fleet, Examples.dir("fleet-discovery").resolve("README.md"));
    assertTrue(out.contains("\"cluster\":\"member1\""), out);
    assertTrue(out.contains("304"), out);
    assertTrue(out.contains("CLUSTER") && out.contains("member1"), out);
    assertFalse(
        Walkthroughs.shBlocks(Examples.dir("fleet-discovery").resolve("README.md")).isEmpty());
  }

  /** No Work in the cluster's namespace reports a conflict (the CRD takeover needed none). */
  private static void assertNoConflictingWork(String cluster) {
    for (GenericKubernetesResource w :
        fleet
            .hub
            .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inNamespace("karmada-es-" + cluster)
            .list()
            .getItems()) {
      String status = String.valueOf(w.getAdditionalProperties().get("status"));
      assertFalse(
          status.contains("not managed by Karmada"),
          "Work " + w.getMetadata().getName() + ": " + status);
    }
  }

  @SuppressWarnings("unchecked")
  private static String importIp(KubernetesClient member, String ns, String name) {
    return McsFleet.await(
        "ServiceImport " + ns + "/" + name + " spec.ips",
        () -> {
          GenericKubernetesResource si =
              member
                  .genericKubernetesResources("multicluster.x-k8s.io/v1alpha1", "ServiceImport")
                  .inNamespace(ns)
                  .withName(name)
                  .get();
          List<String> ips =
              (List<String>)
                  ((Map<String, Object>) si.getAdditionalProperties().get("spec")).get("ips");
          return ips == null || ips.isEmpty() ? null : ips.get(0);
        },
        v -> v != null);
  }

  /** dnsjava's resolver at the address the member's kube-system/kube-dns announces. */
  private static SimpleResolver resolver(KubernetesClient member, boolean tcp) throws Exception {
    String endpoint =
        member
            .services()
            .inNamespace("kube-system")
            .withName("kube-dns")
            .get()
            .getMetadata()
            .getAnnotations()
            .get(MemberDns.ENDPOINT_ANNOTATION);
    String[] hostPort = endpoint.split(":");
    SimpleResolver r = new SimpleResolver(hostPort[0]);
    r.setPort(Integer.parseInt(hostPort[1]));
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(10));
    return r;
  }

  private static Message ask(SimpleResolver r, String name, int type) throws Exception {
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  private static Set<String> answers(Message m) {
    Set<String> out = new TreeSet<>();
    m.getSection(Section.ANSWER).forEach(r -> out.add(r.rdataToString()));
    return out;
  }
}
