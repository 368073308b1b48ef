package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent runs the hub's ResourceInterpreterCustomizations: a health script decides the health
 * reported in the Work, and a retention script keeps a value the member changed when the hub's next
 * version of the object is applied.
 */
class InterpreterIT {
  private static final String CLUSTER = "member1";
  private static final String ES = "karmada-es-" + CLUSTER;

  @RegisterExtension
  static final AgentRig rig = AgentRig.servers(CLUSTER).withExecutionNamespace().withAgent();

  @Test
  void healthAndRetentionScriptsRunInTheAgent() {
    GenericKubernetesResource ric =
        rig.hub()
            .getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: config.karmada.io/v1alpha1
                kind: ResourceInterpreterCustomization
                metadata: {name: configmaps}
                spec:
                  target: {apiVersion: v1, kind: ConfigMap}
                  customizations:
                    healthInterpretation:
                      luaScript: "function InterpretHealth(o) return o.data.ready == 'yes' end"
                    retention:
                      luaScript: |
                        function Retain(desired, observed)
                          if observed.data ~= nil and observed.data.owner ~= nil then
                            desired.data.owner = observed.data.owner
                          end
                          return desired
                        end
                """,
                GenericKubernetesResource.class);
    rig.hub().resource(ric).create();
    ObjectNode work =
        Works.work(
            ES,
            "kept",
            List.of(Works.configMap("interp", "cm", Map.of("owner", "hub", "ready", "no"))));
    Works.create(rig.hub(), work);
    // Unhealthy, where the built-in rule calls every ConfigMap Healthy: the script is loaded.
    Await.until(
        "the Work reports the script's health", () -> health("kept"), h -> "Unhealthy".equals(h));

    rig.member()
        .configMaps()
        .inNamespace("interp")
        .withName("cm")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"owner\":\"member\"}}");
    Works.edit(
        rig.hub(),
        ES,
        "kept",
        w ->
            ((ObjectNode) w.at("/spec/workload/manifests/0/data"))
                .put("ready", "yes")
                .put("owner", "hub"));
    Await.until(
        "the Work reports Healthy once ready is yes",
        () -> health("kept"),
        h -> "Healthy".equals(h));
    ConfigMap cm = rig.member().configMaps().inNamespace("interp").withName("cm").get();
    assertEquals("yes", cm.getData().get("ready"));
    assertEquals("member", cm.getData().get("owner"), "retention kept the member's value");
  }

  private static String health(String work) {
    ObjectNode w = Works.get(rig.hub(), ES, work);
    JsonNode h = w == null ? null : w.at("/status/manifestStatuses/0/health");
    return h == null || h.isMissingNode() ? null : h.asText();
  }
}
