package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a namespace: Terminating, its content deleted, then the namespace itself gone. */
class Fabric8NamespaceDeletionIT {
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

  private static void fill(String ns) {
    for (String n : List.of("one", "two", "three")) {
      client.configMaps().inNamespace(ns).resource(configMap(n, Map.of(), Map.of())).create();
    }
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("creds")
                .endMetadata()
                .addToStringData("password", "hunter2")
                .build())
        .create();
    client
        .services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("api")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
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
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private static boolean empty(String ns) {
    return client.configMaps().inNamespace(ns).list().getItems().isEmpty()
        && client.secrets().inNamespace(ns).list().getItems().isEmpty()
        && client.services().inNamespace(ns).list().getItems().isEmpty()
        && client.apps().deployments().inNamespace(ns).list().getItems().isEmpty();
  }

  @Test
  void namespaceWithObjectsIsEmptiedThenRemoved() {
    String ns = newNamespace(client, "doomed");
    fill(ns);
    client.namespaces().withName(ns).delete();
    await(
        "namespace " + ns + " and its objects to be gone",
        () -> client.namespaces().withName(ns).get() == null);
    assertEquals(true, empty(ns), "no object of a deleted namespace remains");
  }

  @Test
  void terminatingNamespaceWaitsForHeldContent() {
    String ns = newNamespace(client, "terminating");
    fill(ns);
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new ConfigMapBuilder(configMap("held", Map.of(), Map.of()))
                .editMetadata()
                .addToFinalizers("example.com/hold")
                .endMetadata()
                .build())
        .create();

    client.namespaces().withName(ns).delete();
    Namespace terminating = client.namespaces().withName(ns).get();
    assertNotNull(terminating, "the namespace stays while content remains");
    assertNotNull(terminating.getMetadata().getDeletionTimestamp());
    assertEquals("Terminating", terminating.getStatus().getPhase());

    // Everything without a finalizer goes; the held object is marked and stays.
    await(
        "the unheld content of " + ns + " to be deleted",
        () -> {
          List<ConfigMap> left = client.configMaps().inNamespace(ns).list().getItems();
          return left.size() == 1
              && left.get(0).getMetadata().getDeletionTimestamp() != null
              && client.secrets().inNamespace(ns).list().getItems().isEmpty()
              && client.services().inNamespace(ns).list().getItems().isEmpty()
              && client.apps().deployments().inNamespace(ns).list().getItems().isEmpty();
        });
    assertEquals("Terminating", client.namespaces().withName(ns).get().getStatus().getPhase());

    // No new content in a terminating namespace.
    failsWith(
        403,
        "Forbidden",
        () ->
            client
                .configMaps()
                .inNamespace(ns)
                .resource(configMap("late", Map.of(), Map.of()))
                .create());

    client
        .configMaps()
        .inNamespace(ns)
        .withName("held")
        .edit(
            cm -> {
              cm.getMetadata().setFinalizers(new ArrayList<>());
              return cm;
            });
    await(
        "namespace " + ns + " to be gone once its content is",
        () -> client.namespaces().withName(ns).get() == null);
    assertNull(client.configMaps().inNamespace(ns).withName("held").get());
  }

  @Test
  void systemNamespacesCannotBeDeleted() {
    failsWith(403, "Forbidden", () -> client.namespaces().withName("default").delete());
    assertEquals("Active", client.namespaces().withName("default").get().getStatus().getPhase());
  }
}
