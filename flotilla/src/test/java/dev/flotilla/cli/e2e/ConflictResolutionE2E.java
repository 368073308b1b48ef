package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An object that already exists in a member, created there by hand: with the default
 * conflictResolution (Abort) the Work reports Applied=False saying why and the member object is
 * left untouched; once the policy says Overwrite the agent takes the object over and marks it
 * {@code karmada.io/managed=true}.
 */
class ConflictResolutionE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void abortLeavesAPreExistingObjectAloneAndOverwriteTakesItOver() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("conflict");
    KubernetesClient member1 = fleet.member("member1");
    member1
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    ConfigMap original =
        member1
            .configMaps()
            .inNamespace(ns)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("settings")
                    .withNamespace(ns)
                    .addToLabels("owner", "local-admin")
                    .endMetadata()
                    .addToData("greeting", "hand-made")
                    .build())
            .create();

    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "settings", "{clusterAffinity: {clusterNames: [member1]}}"));
    JsonNode work =
        Await.until(
            "the Work reports Applied=False",
            () -> {
              JsonNode w = fleet.work("member1", ns, "ConfigMap", "settings");
              return w != null && "False".equals(Fleet.conditionStatus(w, "Applied")) ? w : null;
            });
    String message = Fleet.condition(work, "Applied").path("message").asText();
    assertTrue(message.contains("already exists") && message.contains("Overwrite"), message);
    JsonNode rb =
        Await.until(
            "the binding reports the failure",
            () -> {
              JsonNode b = fleet.binding(ns, "ConfigMap", "settings");
              return b != null
                      && b.path("status").path("aggregatedStatus").size() == 1
                      && !b.path("status")
                          .path("aggregatedStatus")
                          .path(0)
                          .path("applied")
                          .asBoolean(true)
                  ? b
                  : null;
            });
    assertEquals("False", Fleet.conditionStatus(rb, "FullyApplied"), rb.path("status").toString());

    ConfigMap untouched = member1.configMaps().inNamespace(ns).withName("settings").get();
    assertEquals(
        original.getMetadata().getResourceVersion(),
        untouched.getMetadata().getResourceVersion(),
        "Abort must not write the member object");
    assertEquals("hand-made", untouched.getData().get("greeting"));
    assertNull(untouched.getMetadata().getLabels().get("karmada.io/managed"));

    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.PROPAGATION_POLICY)
        .inNamespace(ns)
        .withName("settings")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"conflictResolution\":\"Overwrite\"}}");
    ConfigMap taken =
        Await.until(
            "member1's settings taken over",
            () -> {
              ConfigMap c = member1.configMaps().inNamespace(ns).withName("settings").get();
              return c != null
                      && "true".equals(c.getMetadata().getLabels().get("karmada.io/managed"))
                  ? c
                  : null;
            });
    assertEquals(
        original.getMetadata().getUid(), taken.getMetadata().getUid(), "taken over in place");
    assertEquals("hello", taken.getData().get("greeting"), "the template's data wins");
    assertEquals(
        "karmada-es-member1",
        taken.getMetadata().getAnnotations().get("work.karmada.io/namespace"));
    JsonNode applied =
        Await.until(
            "the Work reports Applied=True",
            () -> {
              JsonNode w = fleet.work("member1", ns, "ConfigMap", "settings");
              return w != null && "True".equals(Fleet.conditionStatus(w, "Applied")) ? w : null;
            });
    assertFalse(applied.path("status").path("manifestStatuses").isEmpty(), applied.toString());
  }
}
