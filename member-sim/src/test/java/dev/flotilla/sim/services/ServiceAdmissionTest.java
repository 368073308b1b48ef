package dev.flotilla.sim.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.sim.engine.Change;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ServiceAdmissionTest {
  private static final ResourceType SERVICES =
      BuiltinCatalogue.get().find("", "v1", "services").orElseThrow();

  private final ServiceAddresses addresses = new ServiceAddresses("10.97.0.0/16");
  private final ServiceAdmission admission = new ServiceAdmission(addresses);

  private static ObjectNode svc(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private ObjectNode created(String json) {
    ObjectNode s = svc(json);
    admission.beforeCreate(SERVICES, s);
    addresses.onServiceChange(
        new Change(SERVICES, "ns", s.path("metadata").path("name").asText(), null, s));
    return s;
  }

  @Test
  void allocatesAndDefaults() {
    ObjectNode s =
        created(
            "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"selector\":{\"app\":\"a\"},\"ports\":[{\"port\":80}]}}");
    String ip = s.path("spec").path("clusterIP").asText();
    assertTrue(addresses.cidr().contains(ip), ip);
    assertEquals(ip, s.path("spec").path("clusterIPs").get(0).asText());
    assertEquals("ClusterIP", s.path("spec").path("type").asText());
    assertEquals("SingleStack", s.path("spec").path("ipFamilyPolicy").asText());
    assertEquals("TCP", s.path("spec").path("ports").get(0).path("protocol").asText());
    assertEquals(80, s.path("spec").path("ports").get(0).path("targetPort").asInt());
    ObjectNode b = created("{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"},\"spec\":{}}");
    assertNotEquals(ip, b.path("spec").path("clusterIP").asText());
  }

  @Test
  void headlessAndExternalNameGetNoAddress() {
    ObjectNode headless =
        created(
            "{\"metadata\":{\"name\":\"h\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"clusterIP\":\"None\"}}");
    assertEquals("None", headless.path("spec").path("clusterIP").asText());
    ObjectNode external =
        created(
            "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}");
    assertFalse(external.path("spec").has("clusterIP"));
  }

  @Test
  void updatesKeepTheAddressAndRefuseToChangeIt() {
    ObjectNode old =
        created(
            "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}");
    ObjectNode update =
        svc(
            "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}");
    admission.beforeUpdate(SERVICES, old, update);
    assertEquals(old.path("spec").path("clusterIP"), update.path("spec").path("clusterIP"));
    assertEquals(
        old.path("spec").path("ports").get(0).path("nodePort"),
        update.path("spec").path("ports").get(0).path("nodePort"));

    ObjectNode change =
        svc(
            "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"clusterIP\":\"10.97.9.9\",\"ports\":[{\"port\":80}]}}");
    ApiException e =
        assertThrows(ApiException.class, () -> admission.beforeUpdate(SERVICES, old, change));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("field is immutable"), e.getMessage());
  }

  @Test
  void requestedAddressesMustBeFreeAndInRange() {
    ObjectNode a =
        created(
            "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"clusterIP\":\"10.97.0.5\"}}");
    assertEquals("10.97.0.5", a.path("spec").path("clusterIP").asText());
    assertEquals(
        422,
        assertThrows(
                ApiException.class,
                () ->
                    created(
                        "{\"metadata\":{\"name\":"
                            + "\"b\",\"namespace\":\"ns\"},\"spec\":{\"clusterIP\":\"10.97.0.5\"}}"))
            .code());
    assertEquals(
        422,
        assertThrows(
                ApiException.class,
                () ->
                    created(
                        "{\"metadata\":{\"name\":"
                            + "\"c\",\"namespace\":\"ns\"},\"spec\":{\"clusterIP\":\"10.1.0.5\"}}"))
            .code());
    assertEquals(
        422,
        assertThrows(
                ApiException.class,
                () ->
                    created(
                        "{\"metadata\":{\"name\":"
                            + "\"d\",\"namespace\":\"ns\"},\"spec\":{\"ports\":[{\"port\":80},{\"port\":81}]}}"))
            .code(),
        "several ports need names");

    addresses.onServiceChange(new Change(SERVICES, "ns", "a", a, null));
    created(
        "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"},"
            + "\"spec\":{\"clusterIP\":\"10.97.0.5\"}}");
  }
}
