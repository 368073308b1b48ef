package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A no-op update of an object kept in an older storage version of its CRD is written, in the
 * current storage version: it is how storage migrates (kubectl replace, the storage version
 * migrator). A no-op update of an object already in the storage version writes nothing.
 */
class StorageMigrationIT {
  private static final String NS = "storage-migration";
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final String NAME = "gadgets.migrate.example.com";

  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  private static String crd(boolean v1Stored) {
    String schema =
        "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":{\"spec\":"
            + "{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"integer\"}}}}}}";
    return "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
        + "\"metadata\":{\"name\":\""
        + NAME
        + "\"},\"spec\":{\"group\":\"migrate.example.com\",\"scope\":\"Namespaced\","
        + "\"names\":{\"plural\":\"gadgets\",\"singular\":\"gadget\",\"kind\":\"Gadget\"},"
        + "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":"
        + v1Stored
        + ","
        + schema
        + "},{\"name\":\"v2\",\"served\":true,\"storage\":"
        + !v1Stored
        + ","
        + schema
        + "}]}}";
  }

  private static String path(String version) {
    return "/apis/migrate.example.com/" + version + "/namespaces/" + NS + "/gadgets";
  }

  @Test
  void aNoOpUpdateMovesAnObjectToTheStorageVersionAndThenWritesNothing() throws Exception {
    HttpResponse<String> crd = http.send("POST", CRDS, "application/json", crd(true));
    assertEquals(201, crd.statusCode(), crd.body());
    String gadget =
        "{\"apiVersion\":\"migrate.example.com/v1\",\"kind\":\"Gadget\","
            + "\"metadata\":{\"name\":\"g\"},\"spec\":{\"size\":3}}";
    HttpResponse<String> created = null;
    for (int i = 0; i < 300; i++) { // the CRD's resource is served once registered
      created = http.send("POST", path("v1"), "application/json", gadget);
      if (created.statusCode() == 201) {
        break;
      }
      Thread.sleep(50);
    }
    assertEquals(201, created.statusCode(), created.body());
    String createdRv = RawHttp.parse(created.body()).at("/metadata/resourceVersion").asText();

    ObjectNode stored = (ObjectNode) http.getJson(CRDS + "/" + NAME);
    ObjectNode switched = (ObjectNode) RawHttp.parse(crd(false));
    ((ObjectNode) switched.get("metadata"))
        .put("resourceVersion", stored.at("/metadata/resourceVersion").asText());
    HttpResponse<String> updatedCrd =
        http.send("PUT", CRDS + "/" + NAME, "application/json", switched.toString());
    assertEquals(200, updatedCrd.statusCode(), updatedCrd.body());

    // Until the registry takes the new storage version, a PUT may still find v1 stored: retry.
    String migratedRv = createdRv;
    for (int i = 0; i < 300 && migratedRv.equals(createdRv); i++) {
      JsonNode now = http.getJson(path("v1") + "/g");
      HttpResponse<String> put =
          http.send("PUT", path("v1") + "/g", "application/json", now.toString());
      assertEquals(200, put.statusCode(), put.body());
      migratedRv = RawHttp.parse(put.body()).at("/metadata/resourceVersion").asText();
      if (migratedRv.equals(createdRv)) {
        Thread.sleep(50);
      }
    }
    assertNotEquals(createdRv, migratedRv, "the no-op PUT rewrote the object in v2");
    assertEquals(3, http.getJson(path("v2") + "/g").at("/spec/size").asInt());

    JsonNode again = http.getJson(path("v1") + "/g");
    HttpResponse<String> noOp =
        http.send("PUT", path("v1") + "/g", "application/json", again.toString());
    assertEquals(200, noOp.statusCode(), noOp.body());
    assertEquals(
        migratedRv,
        RawHttp.parse(noOp.body()).at("/metadata/resourceVersion").asText(),
        "once stored in v2, a no-op PUT writes nothing");
  }
}
