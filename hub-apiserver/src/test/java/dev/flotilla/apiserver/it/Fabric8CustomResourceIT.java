package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static dev.flotilla.apiserver.it.Fabric8Support.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CustomResourceDefinition end to end: Established, custom resources through the generic client
 * and the status subresource, then deletion taking its objects and its discovery along.
 */
class Fabric8CustomResourceIT {
  private static final String CRD = "widgets.example.com";

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

  private static CustomResourceDefinition widgetCrd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(CRD)
        .endMetadata()
        .withNewSpec()
        .withGroup("example.com")
        .withScope("Namespaced")
        .withNewNames()
        .withKind("Widget")
        .withPlural("widgets")
        .withSingular("widget")
        .withListKind("WidgetList")
        .endNames()
        .addNewVersion()
        .withName("v1")
        .withServed(true)
        .withStorage(true)
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .withNewSubresources()
        .withNewStatus()
        .endStatus()
        .endSubresources()
        .endVersion()
        .endSpec()
        .build();
  }

  private static void createEstablishedCrd() {
    client.apiextensions().v1().customResourceDefinitions().resource(widgetCrd()).create();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(CRD)
        .waitUntilCondition(
            crd ->
                crd != null
                    && crd.getStatus() != null
                    && crd.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> c.getType().equals("Established") && c.getStatus().equals("True")),
            Fabric8Support.WAIT.toSeconds(),
            TimeUnit.SECONDS);
  }

  private static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      widgets() {
    return client.genericKubernetesResources("example.com/v1", "Widget");
  }

  private static GenericKubernetesResource widget(String name, int size) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("size", size);
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("example.com/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .addToAdditionalProperties("status", Map.of("ready", true))
        .build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> field(GenericKubernetesResource r, String name) {
    return (Map<String, Object>) r.getAdditionalProperties().get(name);
  }

  @Test
  void customResourcesLiveAndDieWithTheirDefinition() {
    createEstablishedCrd();
    String ns = newNamespace(client, "widgets");
    Fabric8Support.Raw discovery = raw(client, "GET", "/apis/example.com/v1");
    assertEquals(200, discovery.code(), discovery.body());
    assertTrue(discovery.body().contains("\"widgets/status\""), discovery.body());

    GenericKubernetesResource created =
        widgets().inNamespace(ns).resource(widget("w1", 1)).create();
    assertNotNull(created.getMetadata().getUid());
    assertNotNull(created.getMetadata().getResourceVersion());
    assertEquals(1L, created.getMetadata().getGeneration());
    assertNull(field(created, "status"), "status is dropped on create with a status subresource");
    widgets().inNamespace(ns).resource(widget("w2", 2)).create();

    GenericKubernetesResource got = widgets().inNamespace(ns).withName("w1").get();
    assertEquals(1, ((Number) field(got, "spec").get("size")).intValue());
    assertEquals(
        List.of("w1", "w2"),
        widgets().inNamespace(ns).list().getItems().stream()
            .map(w -> w.getMetadata().getName())
            .sorted()
            .toList());
    assertEquals(2, widgets().inAnyNamespace().list().getItems().size());

    // Spec change: generation moves.
    field(got, "spec").put("size", 5);
    GenericKubernetesResource resized = widgets().inNamespace(ns).resource(got).update();
    assertEquals(5, ((Number) field(resized, "spec").get("size")).intValue());
    assertEquals(2L, resized.getMetadata().getGeneration());

    // Status through the subresource: stored, generation unchanged.
    resized.getAdditionalProperties().put("status", Map.of("ready", true, "observed", 2));
    GenericKubernetesResource withStatus =
        widgets().inNamespace(ns).resource(resized).updateStatus();
    assertEquals(true, field(withStatus, "status").get("ready"));
    assertEquals(2L, withStatus.getMetadata().getGeneration());
    assertEquals(5, ((Number) field(withStatus, "spec").get("size")).intValue());

    // Status in a main-resource update is ignored; a spec change in a status update too.
    withStatus.getAdditionalProperties().put("status", Map.of("ready", false));
    withStatus.getMetadata().setLabels(Map.of("color", "red"));
    GenericKubernetesResource relabelled = widgets().inNamespace(ns).resource(withStatus).update();
    assertEquals(true, field(relabelled, "status").get("ready"));
    assertEquals("red", relabelled.getMetadata().getLabels().get("color"));
    assertEquals(2L, relabelled.getMetadata().getGeneration(), "metadata changes keep generation");
    field(relabelled, "spec").put("size", 9);
    GenericKubernetesResource statusOnly =
        widgets().inNamespace(ns).resource(relabelled).updateStatus();
    assertEquals(5, ((Number) field(statusOnly, "spec").get("size")).intValue());
    assertEquals(2L, statusOnly.getMetadata().getGeneration());

    // Deleting the definition takes its objects and its API along.
    client.apiextensions().v1().customResourceDefinitions().withName(CRD).delete();
    await(
        "CRD " + CRD + " to be gone",
        () -> client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() == null);
    assertEquals(404, raw(client, "GET", "/apis/example.com/v1").code());
    assertEquals(
        404, raw(client, "GET", "/apis/example.com/v1/namespaces/" + ns + "/widgets").code());
    assertTrue(
        client.getApiGroups().getGroups().stream()
            .noneMatch(g -> g.getName().equals("example.com")),
        "example.com left discovery");

    // Recreated, the definition serves no leftover objects.
    createEstablishedCrd();
    try {
      assertEquals(List.of(), widgets().inAnyNamespace().list().getItems());
      assertNull(widgets().inNamespace(ns).withName("w1").get());
    } finally {
      client.apiextensions().v1().customResourceDefinitions().withName(CRD).delete();
      await(
          "CRD " + CRD + " to be gone again",
          () ->
              client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() == null);
    }
  }
}
