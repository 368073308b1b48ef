package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.fixtures.Await;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimulatedMember;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on one etcd and an agent given both ({@code --hub-servers a,b}): when replica a drains
 * (503 to every request, its watches ended, {@code /readyz} failing) the agent keeps applying Works
 * through b, and once a serves again the agent goes back to it (its Lease renewals reach a again).
 */
class AgentReplicaFailoverIT {
  private static final String EDGE = "edge";
  private static final String WORKS = "karmada-es-" + EDGE;

  @TempDir Path tmp;

  @Test
  void theAgentLeavesAReplicaAnswering503AndReturnsWhenItIsReady() throws Exception {
    EtcdHubIT.requireEtcd();
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      EtcdConnection connection = etcd.connection("/agents");
      Path dataA = tmp.resolve("a");
      try (HubServer a = EtcdHubIT.etcdHub(dataA, connection)) {
        Path dataB = tmp.resolve("b");
        EtcdHubIT.copyTree(dataA, dataB, List.of("store"));
        try (HubServer b = EtcdHubIT.etcdHub(dataB, connection);
            KubernetesClient viaA = noRetries(a);
            KubernetesClient viaB = HubClients.admin(b);
            SimulatedMember edge =
                SimulatedMember.start(MemberCluster.of(EDGE, 9, tmp.resolve("edge")));
            KubernetesClient member = kubeconfigClient(edge.writeKubeconfig(), EDGE);
            MemberAgent agent = agent(a, b, edge)) {
          viaB.namespaces()
              .resource(
                  new NamespaceBuilder().withNewMetadata().withName(WORKS).endMetadata().build())
              .serverSideApply();
          work(viaB, "w0");
          await("w0 applied while the agent is on replica a", () -> inMember(member, "w0"));
          await("the agent renews its Lease through replica a", () -> leaseRequests(a) > 0);

          a.drain();
          KubernetesClientException refused =
              org.junit.jupiter.api.Assertions.assertThrows(
                  KubernetesClientException.class,
                  () -> viaA.configMaps().inNamespace("default").list());
          assertEquals(503, refused.getCode(), "a draining replica answers 503");
          assertEquals(500, readyz(viaA, a), "a draining replica is not ready");
          work(viaB, "w1");
          await("w1 applied through replica b while a answers 503", () -> inMember(member, "w1"));
          work(viaB, "w2");
          await("w2 applied through replica b", () -> inMember(member, "w2"));

          a.resume();
          assertEquals(200, readyz(viaA, a), "replica a is ready again");
          double before = leaseRequests(a);
          await(
              "the agent back on replica a (its Lease renewals reach a again)",
              () -> leaseRequests(a) > before);
          work(viaA, "w3");
          await("w3 applied with the agent back on replica a", () -> inMember(member, "w3"));
          assertTrue(agent.registered(), "the agent stayed registered throughout");
        }
      }
    }
  }

  private static void await(String what, Callable<Boolean> condition) {
    Await.until(what, Duration.ofMinutes(4), condition);
  }

  /** The admin on {@code hub} alone, without fabric8's retries, to see a 503 as it comes. */
  private static KubernetesClient noRetries(HubServer hub) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder()
                .withMasterUrl(hub.url())
                .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
                .withOauthToken(hub.authenticator().adminToken())
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }

  private static MemberAgent agent(HubServer a, HubServer b, SimulatedMember edge) {
    return new MemberAgent(
            AgentConfig.builder()
                .hub(
                    ClientSource.kubeconfig(a.writeKubeconfig(List.of()), "flotilla")
                        .withServers(List.of(URI.create(a.url()), URI.create(b.url()))))
                .member(ClientSource.kubeconfig(edge.writeKubeconfig(), EDGE))
                .clusterName(EDGE)
                .apiEndpoint(edge.url())
                .build())
        .start();
  }

  private static void work(KubernetesClient hub, String name) {
    GenericKubernetesResource w = new GenericKubernetesResource();
    w.setApiVersion("work.karmada.io/v1alpha1");
    w.setKind("Work");
    w.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(WORKS)
            .build());
    Map<String, Object> cm =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "ConfigMap",
            "metadata",
            Map.of("name", name, "namespace", "default"),
            "data",
            Map.of("k", "v"));
    w.setAdditionalProperty("spec", Map.of("workload", Map.of("manifests", List.of(cm))));
    hub.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
        .inNamespace(WORKS)
        .resource(w)
        .create();
  }

  private static boolean inMember(KubernetesClient member, String name) {
    return member.configMaps().inNamespace("default").withName(name).get() != null;
  }

  /** Lease requests replica {@code hub} has answered, from its own /metrics. */
  private static double leaseRequests(HubServer hub) {
    try (KubernetesClient client = HubClients.admin(hub)) {
      return client
          .raw(hub.url() + "/metrics")
          .lines()
          .filter(
              l -> l.startsWith("apiserver_request_total{") && l.contains("resource=\"leases\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    }
  }

  /** The status code of {@code hub}'s /readyz. */
  private static int readyz(KubernetesClient client, HubServer hub) throws Exception {
    var http = client.getHttpClient();
    return http.sendAsync(
            http.newHttpRequestBuilder().uri(URI.create(hub.url() + "/readyz")).build(),
            String.class)
        .get()
        .code();
  }

  private static KubernetesClient kubeconfigClient(Path kubeconfig, String context)
      throws Exception {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(context, Files.readString(kubeconfig), null))
        .build();
  }
}
