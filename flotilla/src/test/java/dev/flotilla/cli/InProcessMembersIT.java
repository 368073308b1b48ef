package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.fixtures.Await;
import dev.flotilla.sim.SimulatedFleet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Dflotilla.sim.memberTransport=inprocess} (what {@code bench} runs): agents reach their
 * simulated members in process, and a template with a policy still reaches each member and follows
 * an update, every member request of the agents going through the in-process transport.
 */
class InProcessMembersIT {
  @Test
  void agentsApplyAndFollowTemplatesThroughTheInProcessMemberTransport(@TempDir Path dir)
      throws Exception {
    String before = System.getProperty(SimulatedMembers.MEMBER_TRANSPORT_PROPERTY);
    System.setProperty(SimulatedMembers.MEMBER_TRANSPORT_PROPERTY, "inprocess");
    try (AutoCloseable restore = () -> restore(before);
        HubServer hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
        KubernetesClient admin = HubClients.admin(hub);
        KubernetesClient controllerClient = HubClients.controllers(hub);
        ControllerManager controllers =
            new ControllerManager(controllerClient, "inprocess-members").start();
        SimulatedMembers members =
            SimulatedMembers.start(
                hub, admin, dir.resolve("sim"), 2, SimulatedFleet.MemberStore.MEMORY)) {
      // Ready needs the member's /readyz, probed in process too.
      Await.until(
          "both Clusters Ready",
          java.time.Duration.ofMinutes(2),
          () ->
              admin
                      .genericKubernetesResources("cluster.karmada.io/v1alpha1", "Cluster")
                      .list()
                      .getItems()
                      .stream()
                      .filter(
                          c ->
                              String.valueOf(c.getAdditionalProperties().get("status"))
                                  .contains("type=Ready, status=True"))
                      .count()
                  == 2);
      admin
          .load(
              new java.io.ByteArrayInputStream(
                  """
                  apiVersion: v1
                  kind: Namespace
                  metadata: {name: shop}
                  ---
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: menu, namespace: shop}
                  data: {soup: tomato}
                  ---
                  apiVersion: policy.karmada.io/v1alpha1
                  kind: PropagationPolicy
                  metadata: {name: menu, namespace: shop}
                  spec:
                    resourceSelectors: [{apiVersion: v1, kind: Namespace, name: shop}, {apiVersion: v1, kind: ConfigMap, name: menu}]
                    placement: {clusterAffinity: {clusterNames: [member1, member2]}}
                  """
                      .getBytes(StandardCharsets.UTF_8)))
          .create();
      for (KubeconfigContext member : members.kubeconfigContexts()) {
        try (KubernetesClient client = overHttps(member)) {
          try {
            Await.until(
                "the ConfigMap in " + member.name(),
                java.time.Duration.ofMinutes(2),
                () -> client.configMaps().inNamespace("shop").withName("menu").get());
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the hub has " + hubState(admin), e);
          }
        }
      }
      admin
          .configMaps()
          .inNamespace("shop")
          .withName("menu")
          .edit(cm -> new ConfigMapBuilder(cm).addToData("soup", "leek").build());
      for (KubeconfigContext member : members.kubeconfigContexts()) {
        try (KubernetesClient client = overHttps(member)) {
          ConfigMap copy =
              Await.until(
                  "the update in " + member.name(),
                  java.time.Duration.ofMinutes(2),
                  () -> {
                    ConfigMap cm = client.configMaps().inNamespace("shop").withName("menu").get();
                    return cm != null && "leek".equals(cm.getData().get("soup")) ? cm : null;
                  });
          assertEquals("leek", copy.getData().get("soup"));
        }
      }
      assertTrue(
          members.inProcessMemberRequests() > 0,
          "the agents' member requests went through the in-process transport");
    }
  }

  private static void restore(String before) {
    if (before == null) {
      System.clearProperty(SimulatedMembers.MEMBER_TRANSPORT_PROPERTY);
    } else {
      System.setProperty(SimulatedMembers.MEMBER_TRANSPORT_PROPERTY, before);
    }
  }

  /** Works and bindings with their status, read when a wait fails. */
  private static String hubState(KubernetesClient admin) {
    StringBuilder out = new StringBuilder();
    for (String kind : new String[] {"Cluster", "ResourceBinding", "Work"}) {
      String apiVersion =
          switch (kind) {
            case "Cluster" -> "cluster.karmada.io/v1alpha1";
            case "ResourceBinding" -> "work.karmada.io/v1alpha2";
            default -> "work.karmada.io/v1alpha1";
          };
      admin
          .genericKubernetesResources(apiVersion, kind)
          .inAnyNamespace()
          .list()
          .getItems()
          .forEach(
              r ->
                  out.append("\n")
                      .append(kind)
                      .append(" ")
                      .append(r.getMetadata().getNamespace())
                      .append("/")
                      .append(r.getMetadata().getName())
                      .append(" status ")
                      .append(r.getAdditionalProperties().get("status")));
    }
    return out.toString();
  }

  /** The test's own client of a member, over its HTTPS listener. */
  private static KubernetesClient overHttps(KubeconfigContext member) {
    return Fabric8Clients.build(
        new ConfigBuilder()
            .withMasterUrl(member.serverUrl())
            .withCaCertData(
                Base64.getEncoder().encodeToString(member.caPem().getBytes(StandardCharsets.UTF_8)))
            .withOauthToken(member.token())
            .build());
  }
}
