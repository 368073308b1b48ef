package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every served group/version has an APIService that reports Available=True (Local), as {@code
 * kubectl get apiservices} shows on a real cluster; a CRD's group/version gets one while served.
 */
class ApiServicesIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.plain();

  private static final ResourceDefinitionContext APISERVICES =
      new ResourceDefinitionContext.Builder()
          .withGroup("apiregistration.k8s.io")
          .withVersion("v1")
          .withPlural("apiservices")
          .withKind("APIService")
          .withNamespaced(false)
          .build();

  private static GenericKubernetesResource get(String name) {
    return RIG.admin().genericKubernetesResources(APISERVICES).withName(name).get();
  }

  @SuppressWarnings("unchecked")
  private static boolean availableLocal(String name) {
    GenericKubernetesResource svc = get(name);
    if (svc == null) {
      return false;
    }
    Object status = svc.getAdditionalProperties().get("status");
    if (!(status instanceof Map)) {
      return false;
    }
    for (Object c : (List<Object>) ((Map<String, Object>) status).get("conditions")) {
      Map<String, Object> cond = (Map<String, Object>) c;
      if ("Available".equals(cond.get("type"))) {
        return "True".equals(cond.get("status")) && "Local".equals(cond.get("reason"));
      }
    }
    return false;
  }

  @Test
  void builtinGroupsAreLocalAndAvailable() {
    for (String name : List.of("v1.", "v1.apps", "v1.apiextensions.k8s.io", "v1.batch")) {
      await(name + " Available (Local)", () -> availableLocal(name));
    }
    GenericKubernetesResource apps = get("v1.apps");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) apps.getAdditionalProperties().get("spec");
    assertEquals("apps", spec.get("group"));
    assertEquals("v1", spec.get("version"));
    assertEquals(
        "onstart", apps.getMetadata().getLabels().get("kube-aggregator.kubernetes.io/automanaged"));
  }

  @Test
  void kubectlShowsLocalAvailable() {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    await("v1.apps Available (Local)", () -> availableLocal("v1.apps"));
    KubectlRunner.Binary newest =
        KubectlRunner.installed().get(KubectlRunner.installed().size() - 1);
    try (KubectlRunner kubectl = KubectlRunner.of(newest, RIG.hub().kubeconfig())) {
      String out = kubectl.run("get", "apiservices", "v1.apps", "v1.").assertOk().stdout();
      List<String> lines = out.strip().lines().toList();
      assertEquals(
          List.of("NAME", "SERVICE", "AVAILABLE", "AGE"), List.of(lines.get(0).split("\\s+")));
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split("\\s+");
        assertEquals("Local", cells[1], out);
        assertEquals("True", cells[2], out);
      }
      assertEquals(3, lines.size(), out);
    }
  }

  @Test
  void crdGroupVersionComesAndGoes() {
    String crd =
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
            + "\"metadata\":{\"name\":\"widgets.apisvc.example.com\"},\"spec\":{\"group\":"
            + "\"apisvc.example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"widgets\","
            + "\"kind\":\"Widget\"},\"versions\":[{\"name\":\"v1beta1\",\"served\":true,"
            + "\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
            + "\"x-kubernetes-preserve-unknown-fields\":true}}}]}}";
    RIG.admin().resource(crd).create();
    await("v1beta1.apisvc.example.com", () -> availableLocal("v1beta1.apisvc.example.com"));
    assertEquals(
        "true",
        get("v1beta1.apisvc.example.com")
            .getMetadata()
            .getLabels()
            .get("kube-aggregator.kubernetes.io/automanaged"));
    RIG.admin()
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("widgets.apisvc.example.com")
        .delete();
    await("APIService removed", () -> get("v1beta1.apisvc.example.com") == null);
    assertTrue(availableLocal("v1.apps"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> available(String name) {
    Map<String, Object> status =
        (Map<String, Object>) get(name).getAdditionalProperties().get("status");
    for (Object c : (List<Object>) status.get("conditions")) {
      if ("Available".equals(((Map<String, Object>) c).get("type"))) {
        return (Map<String, Object>) c;
      }
    }
    throw new AssertionError("no Available condition on " + name + ": " + status);
  }

  @Test
  void serviceBackedApiServiceIsNotAvailable() {
    String apiService =
        "{\"apiVersion\":\"apiregistration.k8s.io/v1\",\"kind\":\"APIService\","
            + "\"metadata\":{\"name\":\"v1beta1.metrics.example.com\"},\"spec\":{\"group\":"
            + "\"metrics.example.com\",\"version\":\"v1beta1\",\"groupPriorityMinimum\":100,"
            + "\"versionPriority\":100,\"service\":{\"namespace\":\"kube-system\",\"name\":"
            + "\"metrics-server\"}}}";
    RIG.admin().resource(apiService).create();
    Map<String, Object> c = available("v1beta1.metrics.example.com");
    assertEquals("False", c.get("status"));
    assertEquals("ServiceNotFound", c.get("reason"));
    assertEquals("service/metrics-server in \"kube-system\" is not present", c.get("message"));

    RIG.admin()
        .services()
        .inNamespace("kube-system")
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName("metrics-server")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(443)
                .endPort()
                .endSpec()
                .build())
        .create();
    RIG.admin().resource(apiService).update();
    c = available("v1beta1.metrics.example.com");
    assertEquals("False", c.get("status"));
    assertEquals("FailedDiscoveryCheck", c.get("reason"));
    RIG.admin()
        .genericKubernetesResources(APISERVICES)
        .withName("v1beta1.metrics.example.com")
        .delete();
  }
}
