package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static dev.flotilla.apiserver.it.Fabric8Support.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Create, get, list, update and delete of built-in kinds, over HTTPS with fabric8. */
class Fabric8CrudIT {
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  /** The system fields every created object carries. */
  private static void assertStamped(HasMetadata created) {
    assertNotNull(created.getMetadata().getUid(), "uid");
    assertFalse(created.getMetadata().getUid().isEmpty(), "uid");
    assertNotNull(created.getMetadata().getCreationTimestamp(), "creationTimestamp");
    assertNotNull(created.getMetadata().getResourceVersion(), "resourceVersion");
    assertNull(created.getMetadata().getDeletionTimestamp(), "deletionTimestamp");
  }

  @Test
  void configMapLifecycle() {
    String ns = newNamespace(client, "crud-cm");
    ConfigMap created =
        client
            .configMaps()
            .inNamespace(ns)
            .resource(configMap("settings", Map.of("app", "crud"), Map.of("color", "blue")))
            .create();
    assertStamped(created);
    assertEquals(ns, created.getMetadata().getNamespace());
    assertEquals("blue", created.getData().get("color"));

    ConfigMap got = client.configMaps().inNamespace(ns).withName("settings").get();
    assertEquals(created.getMetadata().getUid(), got.getMetadata().getUid());
    assertEquals(
        created.getMetadata().getResourceVersion(), got.getMetadata().getResourceVersion());
    assertEquals(Map.of("color", "blue"), got.getData());

    failsWith(
        409,
        "AlreadyExists",
        () ->
            client
                .configMaps()
                .inNamespace(ns)
                .resource(configMap("settings", Map.of(), Map.of()))
                .create());

    got.getData().put("color", "green");
    ConfigMap updated = client.configMaps().inNamespace(ns).resource(got).update();
    assertEquals("green", updated.getData().get("color"));
    assertEquals(created.getMetadata().getUid(), updated.getMetadata().getUid());
    assertEquals(
        created.getMetadata().getCreationTimestamp(), updated.getMetadata().getCreationTimestamp());
    assertNotEquals(
        created.getMetadata().getResourceVersion(), updated.getMetadata().getResourceVersion());
    assertTrue(
        Long.parseLong(updated.getMetadata().getResourceVersion())
            > Long.parseLong(created.getMetadata().getResourceVersion()),
        "resourceVersion grows");
    assertEquals(
        "green",
        client.configMaps().inNamespace(ns).withName("settings").get().getData().get("color"));
    // The update's answer is the stored object exactly (the store's bytes), as a GET reads it; a
    // PUT of what is stored changes nothing and answers with it too.
    assertEquals(client.configMaps().inNamespace(ns).withName("settings").get(), updated);
    ConfigMap unchanged = client.configMaps().inNamespace(ns).resource(updated).update();
    assertEquals(updated, unchanged, "a no-op update answers with the stored object");

    assertFalse(client.configMaps().inNamespace(ns).withName("settings").delete().isEmpty());
    assertNull(client.configMaps().inNamespace(ns).withName("settings").get());
    Fabric8Support.Raw gone =
        raw(client, "GET", "/api/v1/namespaces/" + ns + "/configmaps/settings");
    assertEquals(404, gone.code());
    assertEquals("Status", gone.json().path("kind").asText());
    assertEquals("NotFound", gone.json().path("reason").asText());
    failsWith(
        404,
        "NotFound",
        () -> client.configMaps().inNamespace(ns).withName("settings").edit(cm -> cm));
    assertTrue(
        client.configMaps().inNamespace(ns).withName("settings").delete().isEmpty(),
        "deleting a missing object reports nothing deleted");
  }

  /**
   * A write that changes nothing stores nothing, the first one after a create too (a created
   * object's stored JSON orders its metadata as the create built it, which once made that first
   * no-op a write): a PUT of the created object, an empty merge patch, a status patch whose
   * metadata change the status subresource drops.
   */
  @Test
  void noOpWritesRightAfterACreateStoreNothing() {
    String ns = newNamespace(client, "crud-noop");
    ConfigMap created =
        client
            .configMaps()
            .inNamespace(ns)
            .resource(configMap("fresh", Map.of("app", "crud"), Map.of("k", "v")))
            .create();
    String rv = created.getMetadata().getResourceVersion();
    ConfigMap put = client.configMaps().inNamespace(ns).resource(created).update();
    assertEquals(rv, put.getMetadata().getResourceVersion(), "a no-op PUT after the create");
    String cmPath = "/api/v1/namespaces/" + ns + "/configmaps/fresh";
    Fabric8Support.Raw patched = raw(client, "PATCH", cmPath, "application/merge-patch+json", "{}");
    assertEquals(200, patched.code(), patched.body());
    assertEquals(rv, patched.json().path("metadata").path("resourceVersion").asText());

    String podPath = "/api/v1/namespaces/" + ns + "/pods";
    Fabric8Support.Raw pod =
        raw(
            client,
            "POST",
            podPath,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
    assertEquals(201, pod.code(), pod.body());
    String podRv = pod.json().path("metadata").path("resourceVersion").asText();
    Fabric8Support.Raw status =
        raw(
            client,
            "PATCH",
            podPath + "/p/status",
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"bad key!\":\"v\"}}]");
    assertTrue(status.code() == 200 || status.code() == 422, status.body());
    assertEquals(
        podRv,
        raw(client, "GET", podPath + "/p").json().path("metadata").path("resourceVersion").asText(),
        "a status patch that changes nothing the subresource keeps");
  }

  @Test
  void generateNameGivesDistinctNames() {
    String ns = newNamespace(client, "crud-gen");
    ConfigMap template =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withGenerateName("cache-")
            .endMetadata()
            .addToData("k", "v")
            .build();
    ConfigMap a = client.configMaps().inNamespace(ns).resource(template).create();
    ConfigMap b = client.configMaps().inNamespace(ns).resource(template).create();
    assertTrue(a.getMetadata().getName().startsWith("cache-"), a.getMetadata().getName());
    assertTrue(a.getMetadata().getName().length() > "cache-".length());
    assertNotEquals(a.getMetadata().getName(), b.getMetadata().getName());
    assertEquals("cache-", a.getMetadata().getGenerateName());
    assertStamped(a);
    assertNotNull(client.configMaps().inNamespace(ns).withName(a.getMetadata().getName()).get());
  }

  @Test
  void listsOneNamespaceOrAll() {
    String ns1 = newNamespace(client, "crud-list");
    String ns2 = newNamespace(client, "crud-list");
    Map<String, String> labels = Map.of("suite", ns1);
    for (String n : List.of("a", "b", "c")) {
      client.configMaps().inNamespace(ns1).resource(configMap(n, labels, Map.of())).create();
    }
    for (String n : List.of("d", "e")) {
      client.configMaps().inNamespace(ns2).resource(configMap(n, labels, Map.of())).create();
    }
    Set<String> inNs1 =
        client.configMaps().inNamespace(ns1).withLabels(labels).list().getItems().stream()
            .map(cm -> cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName())
            .collect(Collectors.toSet());
    assertEquals(Set.of(ns1 + "/a", ns1 + "/b", ns1 + "/c"), inNs1);
    Set<String> everywhere =
        client.configMaps().inAnyNamespace().withLabels(labels).list().getItems().stream()
            .map(cm -> cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName())
            .collect(Collectors.toSet());
    assertEquals(Set.of(ns1 + "/a", ns1 + "/b", ns1 + "/c", ns2 + "/d", ns2 + "/e"), everywhere);
    String listRv = client.configMaps().inAnyNamespace().list().getMetadata().getResourceVersion();
    assertNotNull(listRv, "a list carries its resourceVersion");
  }

  @Test
  void deploymentGenerationFollowsSpec() {
    String ns = newNamespace(client, "crud-deploy");
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withReplicas(1)
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("nginx:1.27")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    Deployment created = client.apps().deployments().inNamespace(ns).resource(d).create();
    assertStamped(created);
    assertEquals(1L, created.getMetadata().getGeneration());

    created.getSpec().setReplicas(3);
    Deployment scaled = client.apps().deployments().inNamespace(ns).resource(created).update();
    assertEquals(3, scaled.getSpec().getReplicas());
    assertEquals(2L, scaled.getMetadata().getGeneration(), "a spec change bumps generation");

    scaled.getMetadata().setLabels(Map.of("tier", "frontend"));
    Deployment labelled = client.apps().deployments().inNamespace(ns).resource(scaled).update();
    assertEquals(2L, labelled.getMetadata().getGeneration(), "metadata changes keep generation");
    assertEquals("RollingUpdate", labelled.getSpec().getStrategy().getType(), "defaulted");

    // Replacing with the original manifest (no strategy, no pod defaults) but the same replicas:
    // after defaulting the spec is unchanged, so generation stays, as upstream.
    d.getSpec().setReplicas(3);
    d.getMetadata().setResourceVersion(labelled.getMetadata().getResourceVersion());
    Deployment replaced = client.apps().deployments().inNamespace(ns).resource(d).update();
    assertEquals(2L, replaced.getMetadata().getGeneration(), "defaults are no spec change");
    assertEquals(
        "25%", replaced.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal());

    assertEquals(1, client.apps().deployments().inNamespace(ns).list().getItems().size());
    client.apps().deployments().inNamespace(ns).withName("web").delete();
    assertNull(client.apps().deployments().inNamespace(ns).withName("web").get());
  }

  @Test
  void serviceLifecycle() {
    String ns = newNamespace(client, "crud-svc");
    Service svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("api")
            .endMetadata()
            .withNewSpec()
            .addToSelector("app", "api")
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    Service created = client.services().inNamespace(ns).resource(svc).create();
    assertStamped(created);
    assertEquals(80, created.getSpec().getPorts().get(0).getPort());
    Service got = client.services().inNamespace(ns).withName("api").get();
    got.getSpec().getPorts().get(0).setPort(8080);
    Service updated = client.services().inNamespace(ns).resource(got).update();
    assertEquals(8080, updated.getSpec().getPorts().get(0).getPort());
    String clusterIp = created.getSpec().getClusterIP();
    assertTrue(clusterIp.startsWith("10."), "allocated: " + clusterIp);
    assertEquals("ClusterIP", created.getSpec().getType());
    assertEquals(clusterIp, updated.getSpec().getClusterIP());

    // A replace from the original manifest, without the cluster IP, keeps the allocated one.
    svc.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
    Service replaced = client.services().inNamespace(ns).resource(svc).update();
    assertEquals(clusterIp, replaced.getSpec().getClusterIP());
    assertEquals(List.of(clusterIp), replaced.getSpec().getClusterIPs());
    assertEquals(
        List.of("api"),
        client.services().inNamespace(ns).list().getItems().stream()
            .map(s -> s.getMetadata().getName())
            .toList());
    client.services().inNamespace(ns).withName("api").delete();
    assertNull(client.services().inNamespace(ns).withName("api").get());
    failsWith(
        404, "NotFound", () -> client.services().inNamespace(ns).withName("api").edit(s -> s));
  }

  @Test
  void namespaceLifecycle() {
    Namespace created =
        client
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withGenerateName("crud-ns-")
                    .endMetadata()
                    .build())
            .create();
    String name = created.getMetadata().getName();
    assertTrue(name.startsWith("crud-ns-"), name);
    assertStamped(created);
    assertNull(created.getMetadata().getNamespace());
    assertEquals("Active", created.getStatus().getPhase());
    assertTrue(
        client.namespaces().list().getItems().stream()
            .anyMatch(n -> n.getMetadata().getName().equals(name)));

    Namespace got = client.namespaces().withName(name).get();
    got.getMetadata().setLabels(Map.of("team", "blue"));
    Namespace updated = client.namespaces().resource(got).update();
    assertEquals("blue", updated.getMetadata().getLabels().get("team"));

    client.namespaces().withName(name).delete();
    await(
        "namespace " + name + " to be gone",
        () -> client.namespaces().withName(name).get() == null);
    assertEquals(404, raw(client, "GET", "/api/v1/namespaces/" + name).code());
  }
}
