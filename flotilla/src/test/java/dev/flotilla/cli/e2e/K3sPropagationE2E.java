package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.cli.E2ESupport;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The basic propagation scenario against a real Kubernetes member: the hub and its controllers in
 * process, one k3s cluster in a container, and a {@link MemberAgent} pointed at the k3s kubeconfig.
 * A Deployment and its PropagationPolicy applied to the hub come up in k3s with ready pods, and the
 * hub's template reports them. Needs a Docker daemon; without one the class is skipped (and says
 * so), never failed.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sPropagationE2E {
  private static final DockerImageName K3S_IMAGE =
      DockerImageName.parse("rancher/k3s:v1.33.1-k3s1");
  private static final String CLUSTER = "k3s";

  private static Path dir;
  private static K3sContainer k3s;
  private static HubServer hub;
  private static KubernetesClient admin;
  private static KubernetesClient agentHubClient;
  private static KubernetesClient k3sClient;
  private static ControllerManager controllers;
  private static MemberAgent agent;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "no Docker daemon is reachable: the k3s member suite is skipped");
    k3s = new K3sContainer(K3S_IMAGE);
    k3s.start();
    dir = Files.createTempDirectory("flotilla-k3s-e2e");
    Path kubeconfig = dir.resolve("k3s.kubeconfig");
    Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
    k3sClient =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();

    hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    admin = E2ESupport.adminClient(hub);
    controllers = new ControllerManager(admin, "k3s-e2e").start();
    String token = E2ESupport.issueAgentToken(admin, CLUSTER);
    agentHubClient =
        Fleet.tokenClient(
            hub.url(), Files.readString(hub.certificateAuthority().caCertPath()), token);
    agent =
        new MemberAgent(
                AgentConfig.builder()
                    .hub(ClientSource.of(agentHubClient))
                    .member(ClientSource.kubeconfig(kubeconfig))
                    .clusterName(CLUSTER)
                    .provider("k3s")
                    .region("local")
                    .labels(Map.of(Fleet.ENV_LABEL, "k3s"))
                    .statusInterval(Duration.ofSeconds(2))
                    .build())
            .start();
    Await.until(
        "Cluster k3s Ready with its APIs listed",
        Duration.ofMinutes(3),
        () -> {
          GenericKubernetesResource c =
              admin.genericKubernetesResources(Kinds.CLUSTER).withName(CLUSTER).get();
          JsonNode tree = c == null ? null : Trees.tree(c);
          return tree != null
                  && "True".equals(Fleet.conditionStatus(tree, "Ready"))
                  && tree.path("status").path("apiEnablements").size() > 0
              ? tree
              : null;
        });
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    if (controllers != null) {
      controllers.close();
    }
    for (KubernetesClient c : new KubernetesClient[] {agentHubClient, k3sClient, admin}) {
      if (c != null) {
        c.close();
      }
    }
    if (hub != null) {
      hub.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  void deploymentAndPolicyLandInK3sWithReadyPods() {
    String ns = "k3s-e2e";
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: pause, namespace: %1$s}
        spec:
          replicas: 2
          selector: {matchLabels: {app: pause}}
          template:
            metadata: {labels: {app: pause}}
            spec: {containers: [{name: pause, image: "rancher/mirrored-pause:3.6"}]}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: pause, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: pause}]
          placement:
            clusterAffinity: {clusterNames: [k3s]}
        """
            .formatted(ns);
    for (HasMetadata item :
        admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      admin.resource(item).create();
    }
    Deployment inK3s =
        Await.until(
            "pause has 2 ready replicas in k3s",
            Duration.ofMinutes(3),
            () -> {
              Deployment d = k3sClient.apps().deployments().inNamespace(ns).withName("pause").get();
              return d != null
                      && d.getStatus() != null
                      && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas())
                  ? d
                  : null;
            });
    assertEquals("true", inK3s.getMetadata().getLabels().get("karmada.io/managed"));
    Await.until(
        "the hub template reports 2 ready replicas",
        () -> {
          Deployment t = admin.apps().deployments().inNamespace(ns).withName("pause").get();
          return t.getStatus() != null
              && Integer.valueOf(2).equals(t.getStatus().getReadyReplicas());
        });
  }
}
