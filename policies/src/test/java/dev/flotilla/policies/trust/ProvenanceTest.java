package dev.flotilla.policies.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProvenanceTest {

  /** Binding kind, binding namespace, template apiVersion/kind/namespace/name, refused because. */
  @ParameterizedTest(name = "{0} {1} -> {2} {3} {4}/{5}: {6}")
  @CsvSource(
      nullValues = "-",
      value = {
        // What the detector makes.
        "ResourceBinding, shop, apps/v1, Deployment, shop, web, -",
        "ResourceBinding, shop, v1, Secret, shop, creds, -",
        "ClusterResourceBinding, -, rbac.authorization.k8s.io/v1, ClusterRole, -, viewer, -",
        "ClusterResourceBinding, -, v1, Namespace, '', shop, -",
        // The attack of issue 8, and its variants.
        "ResourceBinding, karmada-es-member1, v1, Secret, victim, topsecret, reserved namespace",
        "ResourceBinding, karmada-es-member1, v1, Secret, karmada-es-member1, s, reserved namespace",
        "ResourceBinding, shop, v1, Secret, victim, topsecret, not in the binding's namespace",
        "ResourceBinding, shop, v1, Secret, -, topsecret, not in the binding's namespace",
        "ClusterResourceBinding, -, v1, Secret, victim, topsecret, for cluster-scoped templates",
        // Reserved namespaces of every kind.
        "ResourceBinding, karmada-system, v1, ConfigMap, karmada-system, c, reserved namespace",
        "ResourceBinding, karmada-cluster, v1, Secret, karmada-cluster, t, reserved namespace",
        "ResourceBinding, kube-system, v1, ConfigMap, kube-system, c, reserved namespace",
        "ResourceBinding, kube-public, v1, ConfigMap, kube-public, c, reserved namespace",
        // Control-plane kinds are never templates; a template must be named.
        "ResourceBinding, shop, work.karmada.io/v1alpha1, Work, shop, w, control-plane kind",
        "ResourceBinding, shop, policy.karmada.io/v1alpha1, PropagationPolicy, shop, p, control-plane",
        "ClusterResourceBinding, -, cluster.karmada.io/v1alpha1, Cluster, -, member2, control-plane",
        "ResourceBinding, shop, v1, Event, shop, e, control-plane kind",
        "ResourceBinding, shop, v1, ConfigMap, shop, '', does not name a template",
        "ResourceBinding, shop, '', ConfigMap, shop, c, does not name a template",
        "ResourceBinding, -, v1, ConfigMap, -, c, without a namespace",
        "Work, shop, v1, ConfigMap, shop, c, not a ResourceBinding",
      })
  void bindings(
      String kind,
      String namespace,
      String apiVersion,
      String templateKind,
      String templateNamespace,
      String templateName,
      String refusedBecause) {
    Optional<String> refusal =
        Provenance.bindingRefusal(
            new Provenance.Binding(
                kind, namespace, "b", apiVersion, templateKind, templateNamespace, templateName));
    if (refusedBecause == null) {
      assertEquals(Optional.empty(), refusal);
    } else {
      assertTrue(refusal.isPresent(), "refused");
      assertTrue(refusal.get().contains(refusedBecause), refusal.get());
    }
  }

  @Test
  void readsTheDetectorsBindingAndTheAttackersFromTrees() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode made =
        mapper.readTree(
            "{\"kind\":\"ResourceBinding\",\"metadata\":{\"name\":\"web-deployment\","
                + "\"namespace\":\"shop\"},\"spec\":{\"resource\":{\"apiVersion\":\"apps/v1\","
                + "\"kind\":\"Deployment\",\"namespace\":\"shop\",\"name\":\"web\"}}}");
    JsonNode steal =
        mapper.readTree(
            "{\"kind\":\"ResourceBinding\",\"metadata\":{\"name\":\"steal\","
                + "\"namespace\":\"karmada-es-member1\"},\"spec\":{\"resource\":{\"apiVersion\":"
                + "\"v1\",\"kind\":\"Secret\",\"namespace\":\"victim\",\"name\":\"topsecret\"},"
                + "\"clusters\":[{\"name\":\"member1\"}]}}");
    assertEquals(Optional.empty(), Provenance.bindingRefusal(Provenance.Binding.of(made)));
    assertTrue(Provenance.bindingRefusal(Provenance.Binding.of(steal)).isPresent());
    assertEquals(
        "ResourceBinding karmada-es-member1/steal", Provenance.Binding.of(steal).describe());
  }

  @ParameterizedTest(name = "reserved({0}) = {1}")
  @CsvSource(
      nullValues = "-",
      value = {
        "karmada-es-member1, true",
        "karmada-system, true",
        "karmada-cluster, true",
        "kube-system, true",
        "kube-node-lease, true",
        "default, false",
        "kubeflow, false",
        "karmada-es, false",
        "-, false",
      })
  void reservedNamespaces(String namespace, boolean reserved) {
    assertEquals(reserved, Provenance.isReservedNamespace(namespace));
  }

  @ParameterizedTest(name = "{0} {1}/{2} is the control plane's own: {3}")
  @CsvSource({
    "v1, ConfigMap, kube-root-ca.crt, true",
    "v1, ConfigMap, app-config, false",
    "v1, Secret, kube-root-ca.crt, false",
    "v1, ServiceAccount, default, true",
    "v1, ServiceAccount, builder, false",
  })
  void controlPlaneObjects(String apiVersion, String kind, String name, boolean own) {
    assertEquals(own, Provenance.isControlPlaneObject(apiVersion, kind, name));
  }

  @ParameterizedTest(name = "policy in {0} refused: {1}")
  @CsvSource({"karmada-es-member1, true", "kube-system, true", "shop, false"})
  void policies(String namespace, boolean refused) {
    assertEquals(
        refused, Provenance.policyRefusal("PropagationPolicy", namespace, "p").isPresent());
  }

  /** Binding kind, whether its template's kind is namespaced, refused. */
  @ParameterizedTest(name = "{0} for a namespaced kind {1}: refused {2}")
  @CsvSource({
    "ResourceBinding, true, false",
    "ResourceBinding, false, true",
    "ClusterResourceBinding, false, false",
    "ClusterResourceBinding, true, true",
  })
  void scopes(String kind, boolean namespacedKind, boolean refused) {
    Provenance.Binding b =
        new Provenance.Binding(kind, null, "b", "v1", "Secret", null, "topsecret");
    assertEquals(refused, Provenance.scopeRefusal(b, namespacedKind).isPresent());
  }

  /** Binding kind and namespace, where the template read was found, refused. */
  @ParameterizedTest(name = "{0} {1}, template found in {2}: refused {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        "ResourceBinding, shop, shop, false",
        "ResourceBinding, shop, victim, true",
        "ResourceBinding, shop, -, true",
        "ClusterResourceBinding, -, -, false",
        "ClusterResourceBinding, -, '', false",
        "ClusterResourceBinding, -, default, true",
      })
  void templates(String kind, String namespace, String foundIn, boolean refused) {
    Provenance.Binding b =
        new Provenance.Binding(kind, namespace, "b", "v1", "ConfigMap", namespace, "c");
    assertEquals(refused, Provenance.templateRefusal(b, foundIn).isPresent());
  }
}
