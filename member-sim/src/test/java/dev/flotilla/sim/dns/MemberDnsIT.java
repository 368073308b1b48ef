package dev.flotilla.sim.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.Await;
import dev.flotilla.fixtures.TestClients;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A simulated member's DNS over real UDP and TCP, asked by dnsjava's resolver at the address its
 * kube-system/kube-dns Service announces, about objects created through the member's HTTPS API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberDnsIT {
  private SimulatedMember member;
  private KubernetesClient client;
  private SimpleResolver udp;
  private SimpleResolver tcp;

  @BeforeAll
  void start() throws Exception {
    member =
        SimulatedMember.start(
            MemberCluster.of("member1", 1, Files.createTempDirectory("flotilla-dns-it")));
    client =
        TestClients.fabric8(
            member.url(), member.kubeconfigContext().caPem(), member.kubeconfigContext().token());
    Service kubeDns = client.services().inNamespace("kube-system").withName("kube-dns").get();
    String endpoint = kubeDns.getMetadata().getAnnotations().get(MemberDns.ENDPOINT_ANNOTATION);
    String[] hostPort = endpoint.split(":");
    assertEquals("127.0.0.1", hostPort[0]);
    udp = resolver(hostPort, false);
    tcp = resolver(hostPort, true);
  }

  private static SimpleResolver resolver(String[] hostPort, boolean overTcp) throws Exception {
    SimpleResolver r = new SimpleResolver(hostPort[0]);
    r.setPort(Integer.parseInt(hostPort[1]));
    r.setTCP(overTcp);
    r.setTimeout(Duration.ofSeconds(10));
    return r;
  }

  @AfterAll
  void stop() {
    client.close();
    member.close();
  }

  private static Message ask(SimpleResolver r, String name, int type) {
    try {
      return r.send(
          Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> answers(Message m) {
    Set<String> out = new TreeSet<>();
    m.getSection(Section.ANSWER).forEach(r -> out.add(r.rdataToString()));
    return out;
  }

  private void apply(String yaml) {
    client.load(new java.io.ByteArrayInputStream(yaml.getBytes())).serverSideApply();
  }

  @Test
  void corednsConfigMapShowsTheMulticlusterPlugin() {
    String corefile =
        client
            .configMaps()
            .inNamespace("kube-system")
            .withName("coredns")
            .get()
            .getData()
            .get("Corefile");
    assertTrue(corefile.contains("multicluster clusterset.local"), corefile);
    assertTrue(corefile.contains("kubernetes cluster.local"), corefile);
  }

  @Test
  void clusterLocalServicesOverUdpAndTcp() {
    apply(
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-pods, namespace: shop}
        spec:
          clusterIP: None
          selector: {app: web}
          ports: [{name: http, port: 8080}]
        """);
    String clusterIp =
        client.services().inNamespace("shop").withName("web").get().getSpec().getClusterIP();
    for (SimpleResolver r : new SimpleResolver[] {udp, tcp}) {
      Message a =
          Await.until(
              "web A",
              () -> ask(r, "web.shop.svc.cluster.local", Type.A),
              m -> m.getRcode() == Rcode.NOERROR && !answers(m).isEmpty());
      assertEquals(Set.of(clusterIp), answers(a));
      assertEquals(
          Set.of("0 100 80 web.shop.svc.cluster.local."),
          answers(ask(r, "_http._tcp.web.shop.svc.cluster.local", Type.SRV)));
    }
    Set<String> podIps =
        Await.until(
            "two ready pods",
            () -> {
              Set<String> ips = new TreeSet<>();
              client
                  .pods()
                  .inNamespace("shop")
                  .withLabel("app", "web")
                  .list()
                  .getItems()
                  .forEach(
                      p -> {
                        if (p.getStatus().getPodIP() != null) ips.add(p.getStatus().getPodIP());
                      });
              return ips;
            },
            s -> s.size() == 2);
    Message headless =
        Await.until(
            "headless A",
            () -> ask(udp, "web-pods.shop.svc.cluster.local", Type.A),
            m -> answers(m).equals(podIps));
    assertEquals(podIps, answers(headless));
    Message srv = ask(tcp, "_http._tcp.web-pods.shop.svc.cluster.local", Type.SRV);
    assertEquals(2, srv.getSection(Section.ANSWER).size(), srv.toString());
    assertEquals(Rcode.NXDOMAIN, ask(udp, "nope.shop.svc.cluster.local", Type.A).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask(udp, "web.nowhere.svc.cluster.local", Type.A).getRcode());
  }

  @Test
  void clustersetNamesAreServiceImportIps() throws Exception {
    try (var in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("crds/multicluster.x-k8s.io_serviceimports.yaml")) {
      client.load(in).serverSideApply();
    }
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("mcs")
                .endMetadata()
                .build())
        .serverSideApply();
    Await.until(
        "ServiceImport served",
        () -> client.getApiResources("multicluster.x-k8s.io/v1alpha1"),
        l ->
            l != null
                && l.getResources().stream().anyMatch(x -> x.getName().equals("serviceimports")));
    GenericKubernetesResource si =
        client
            .genericKubernetesResources("multicluster.x-k8s.io/v1alpha1", "ServiceImport")
            .inNamespace("mcs")
            .resource(
                new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                    .withApiVersion("multicluster.x-k8s.io/v1alpha1")
                    .withKind("ServiceImport")
                    .withNewMetadata()
                    .withName("api")
                    .withNamespace("mcs")
                    .endMetadata()
                    .addToAdditionalProperties(
                        "spec",
                        java.util.Map.of(
                            "type", "ClusterSetIP",
                            "ips", java.util.List.of("10.97.0.77"),
                            "ports",
                                java.util.List.of(
                                    java.util.Map.of(
                                        "name", "grpc", "port", 9000, "protocol", "TCP"))))
                    .build())
            .create();
    assertEquals("api", si.getMetadata().getName());
    Message a =
        Await.until(
            "clusterset A",
            () -> ask(udp, "api.mcs.svc.clusterset.local", Type.A),
            m -> !answers(m).isEmpty());
    assertEquals(Set.of("10.97.0.77"), answers(a));
    assertEquals(
        Set.of("0 100 9000 api.mcs.svc.clusterset.local."),
        answers(ask(tcp, "_grpc._tcp.api.mcs.svc.clusterset.local", Type.SRV)));
    assertEquals(Rcode.NXDOMAIN, ask(udp, "other.mcs.svc.clusterset.local", Type.A).getRcode());

    // ACK One's "method 2" edits this ConfigMap: the server follows its zones.
    var cm = client.configMaps().inNamespace("kube-system").withName("coredns");
    cm.edit(
        c -> {
          c.getData()
              .put(
                  "Corefile",
                  c.getData().get("Corefile").replace("multicluster clusterset.local", ""));
          return c;
        });
    Await.until(
        "clusterset zone dropped",
        () -> ask(udp, "api.mcs.svc.clusterset.local", Type.A).getRcode(),
        rc -> rc == Rcode.REFUSED);
    cm.edit(
        c -> {
          c.getData().put("Corefile", Corefile.DEFAULT_TEXT);
          return c;
        });
    Await.until(
        "clusterset zone back",
        () -> ask(udp, "api.mcs.svc.clusterset.local", Type.A).getRcode(),
        rc -> rc == Rcode.NOERROR);
  }
}
