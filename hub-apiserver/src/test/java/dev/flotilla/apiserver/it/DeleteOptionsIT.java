package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.BadInputBodyIT.Http.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.apiserver.it.BadInputBodyIT.Http;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DELETE whose body does not decode as a DeleteOptions is a 400 and deletes nothing, on an object
 * and on a collection, as upstream's decoder refuses it. The reliability fuzz found such bodies
 * ({@code "orphanDependents": "x"}, {@code "dryRun": ["Nope"]}, a Pod) deleting the object, or the
 * whole collection, because the body was read leniently.
 */
class DeleteOptionsIT {
  private static final String NS = "delete-options";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  /** Leaves out the hub's own kube-root-ca.crt, which every namespace gets. */
  private static final String USER_OBJECTS = "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  /** Body -> a fragment of the message that must say what is wrong with it. */
  private static final Map<String, String> UNDECODABLE =
      Map.of(
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"orphanDependents\":\"x\"}",
          "orphanDependents",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":\"x\"}",
          "gracePeriodSeconds",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"Nope\"]}",
          "dryRun",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Bogus\"}",
          "propagationPolicy",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":[[[]]]}",
          "preconditions",
          "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}",
          "Pod",
          "[]",
          "object");

  private static TestHub hub;
  private static Http http;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    http = new Http(hub);
    created("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}");
    created(CMS, "{\"metadata\":{\"name\":\"one\"},\"data\":{\"k\":\"v\"}}");
    created(CMS, "{\"metadata\":{\"name\":\"two\"},\"data\":{\"k\":\"v\"}}");
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private static void created(String path, String body) {
    HttpResponse<String> r = http.send("POST", path, "application/json", body);
    assertEquals(201, r.statusCode(), r.body());
  }

  @Test
  void undecodableDeleteOptionsDeleteNothing() {
    for (Map.Entry<String, String> bad : UNDECODABLE.entrySet()) {
      for (String path : new String[] {CMS + "/one", CMS}) {
        assertStatus(
            http.send("DELETE", path, "application/json", bad.getKey()),
            400,
            "BadRequest",
            bad.getValue());
      }
    }
    assertEquals(2, http.getJson(CMS + USER_OBJECTS).path("items").size());
    // A body that decodes is still honoured: a dry run deletes nothing, a real one deletes.
    String dryRun = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}";
    assertEquals(200, http.send("DELETE", CMS + "/one", "application/json", dryRun).statusCode());
    assertEquals(200, http.get(CMS + "/one").statusCode());
    String background =
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}";
    assertEquals(
        200, http.send("DELETE", CMS + "/one", "application/json", background).statusCode());
    assertEquals(404, http.get(CMS + "/one").statusCode());
  }
}
