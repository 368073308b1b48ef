package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.Yaml;
import dev.flotilla.policies.placement.plugins.ApiEnablement.Status;
import org.junit.jupiter.api.Test;

/** The per-list set of APIs never answers for a list it was not built from. */
class EnabledApisTest {
  private static JsonNode cluster(String kinds) {
    return Yaml.node(
        "{metadata: {name: m1}, status: {apiEnablements: [{groupVersion: v1, resources: ["
            + kinds
            + "]}], conditions: [{type: CompleteAPIEnablements, status: 'True'}]}}");
  }

  @Test
  void aNewClusterVersionIsReadAnew() {
    JsonNode before = cluster("{name: services, kind: Service}");
    assertEquals(Status.DISABLED, ApiEnablement.status(before, "v1", "ConfigMap"));
    assertEquals(Status.ENABLED, ApiEnablement.status(before, "v1", "Service"));
    // The next version of the Cluster (a new tree) lists ConfigMaps and no longer Services.
    JsonNode after = cluster("{name: configmaps, kind: ConfigMap}");
    assertEquals(Status.ENABLED, ApiEnablement.status(after, "v1", "ConfigMap"));
    assertEquals(Status.DISABLED, ApiEnablement.status(after, "v1", "Service"));
    assertEquals(Status.ENABLED, ApiEnablement.status(before, "v1", "Service"));
  }

  @Test
  void aListGrownInPlaceIsReadAnew() {
    JsonNode c = cluster("{name: services, kind: Service}");
    assertEquals(Status.DISABLED, ApiEnablement.status(c, "apps/v1", "Deployment"));
    ((ObjectNode) c.get("status"))
        .withArray("apiEnablements")
        .add(
            Yaml.node(
                "{groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}"));
    assertEquals(Status.ENABLED, ApiEnablement.status(c, "apps/v1", "Deployment"));
  }
}
