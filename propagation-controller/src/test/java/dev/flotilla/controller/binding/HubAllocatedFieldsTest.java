package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import org.junit.jupiter.api.Test;

class HubAllocatedFieldsTest {
  // The managedFields below are what the hub recorded for `kubectl apply` of a NodePort Service
  // with ports a (nodePort 30081 written by the user) and b (no nodePort; the hub allocated 32698).
  private static final String TEMPLATE =
      """
      {"apiVersion":"v1","kind":"Service","metadata":{"name":"np2","managedFields":[
        {"manager":"kubectl-client-side-apply","operation":"Update","fieldsType":"FieldsV1",
         "fieldsV1":{"f:spec":{"f:type":{},"f:ports":{".":{},
           "k:{\\"port\\":81,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:nodePort":{},"f:port":{}},
           "k:{\\"port\\":82,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{}}}}}}]},
       "spec":{"type":"NodePort","healthCheckNodePort":31000,"ports":[
         {"name":"a","port":81,"protocol":"TCP","nodePort":30081},
         {"name":"b","port":82,"protocol":"TCP","nodePort":32698}]}}
      """;

  @Test
  void allocatedNodePortsStayOnTheHubWrittenOnesTravel() throws Exception {
    JsonNode template = Trees.MAPPER.readTree(TEMPLATE);
    ObjectNode manifest = DesiredWorks.manifest(template);
    JsonNode ports = manifest.path("spec").path("ports");
    assertEquals(30081, ports.path(0).path("nodePort").asInt());
    assertFalse(ports.path(1).has("nodePort"));
    assertFalse(manifest.path("spec").has("healthCheckNodePort"));
  }

  @Test
  void withoutManagedFieldsNothingIsGuessed() throws Exception {
    ObjectNode template = (ObjectNode) Trees.MAPPER.readTree(TEMPLATE);
    template.with("metadata").remove("managedFields");
    ObjectNode manifest = DesiredWorks.manifest(template);
    assertEquals(32698, manifest.path("spec").path("ports").path(1).path("nodePort").asInt());
  }
}
