package dev.flotilla.controller;

import static dev.flotilla.fixtures.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.policies.quota.FederatedQuotas;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayInputStream;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A label-selected informer ({@link HubInformers#informLabelled}, what the quota controller reads
 * Works through) caches exactly the objects carrying the label, over real HTTPS: the rest of the
 * fleet's Works never reach the process, an object labelled later arrives, and one whose label is
 * removed leaves the cache as the hub's watch reports it gone from the selection.
 */
class LabelledInformerIT {
  private static final String NS = "karmada-es-member1";
  private static HubFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new HubFixture();
    fx.client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void cachesOnlyLabelledObjectsAndFollowsLabelChanges() {
    work("plain-1", null);
    work("plain-2", null);
    work("quota-a", "q");
    try (HubInformers informers = new HubInformers(fx.client)) {
      SharedIndexInformer<GenericKubernetesResource> quotaWorks =
          informers.informLabelled(Kinds.WORK, FederatedQuotas.NAME_LABEL, null);
      until("the labelled informer synced", quotaWorks::hasSynced);
      assertEquals(Set.of(NS + "/quota-a"), keys(quotaWorks));

      fx.client
          .genericKubernetesResources(Kinds.WORK)
          .inNamespace(NS)
          .withName("plain-1")
          .edit(
              w -> {
                w.getMetadata().getLabels().put(FederatedQuotas.NAME_LABEL, "q");
                return w;
              });
      until("a Work labelled later is cached", () -> keys(quotaWorks).contains(NS + "/plain-1"));

      fx.client
          .genericKubernetesResources(Kinds.WORK)
          .inNamespace(NS)
          .withName("quota-a")
          .edit(
              w -> {
                w.getMetadata().getLabels().remove(FederatedQuotas.NAME_LABEL);
                return w;
              });
      until(
          "a Work whose label went leaves the cache",
          () -> !keys(quotaWorks).contains(NS + "/quota-a"));
      assertEquals(Set.of(NS + "/plain-1"), keys(quotaWorks));
      // The same selection is shared, not informed twice.
      assertEquals(
          quotaWorks, informers.informLabelled(Kinds.WORK, FederatedQuotas.NAME_LABEL, null));
    }
  }

  private static Set<String> keys(SharedIndexInformer<GenericKubernetesResource> informer) {
    return informer.getStore().list().stream()
        .map(w -> w.getMetadata().getNamespace() + "/" + w.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static void work(String name, String quota) {
    String labels =
        quota == null
            ? "{app: bench}"
            : "{app: bench, " + FederatedQuotas.NAME_LABEL + ": " + quota + "}";
    String yaml =
        "apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata: {name: "
            + name
            + ", namespace: "
            + NS
            + ", labels: "
            + labels
            + "}\nspec: {workload: {manifests: []}}\n";
    fx.client.load(new ByteArrayInputStream(yaml.getBytes())).inNamespace(NS).create();
  }
}
