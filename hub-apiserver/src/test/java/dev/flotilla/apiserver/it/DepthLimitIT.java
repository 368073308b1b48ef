package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Objects nested deeper than the request parser reads are refused before they are stored, also when
 * a JSON patch stacks operations that are each shallow enough (issue 9 built a Work 388 levels deep
 * that way; it answered 500, could not be read, patched or deleted, and after a restart {@code
 * kubectl get works -A} failed). The Work stays readable, patchable and deletable, and the hub
 * lists works after a restart.
 */
class DepthLimitIT {
  private static final String NS = "depth";
  private static final String WORKS = "/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works";
  private static final String WORK = WORKS + "/deep";
  private static Path dataDir;
  private static TestHub hub;
  private static RawHttp http;

  @BeforeAll
  static void start() throws Exception {
    dataDir = java.nio.file.Files.createTempDirectory("flotilla-depth");
    hub = TestHub.start(dataDir);
    http = hub.http();
    ok(http.send("POST", "/api/v1/namespaces", "application/json", ns()), 201);
    ok(
        http.send(
            "POST",
            WORKS,
            "application/json",
            "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\","
                + "\"metadata\":{\"name\":\"deep\"},\"spec\":{\"workload\":{\"manifests\":[{}]}}}"),
        201);
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private static String ns() {
    return "{\"metadata\":{\"name\":\"" + NS + "\"}}";
  }

  private static void ok(HttpResponse<String> r, int code) {
    assertEquals(code, r.statusCode(), r.body());
  }

  /** {"a":{"a":...{}}} with {@code levels} objects. */
  private static String nested(int levels) {
    return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
  }

  @Test
  void jsonPatchCannotStackAnObjectPastTheParsersLimit() {
    String rv = http.getJson(WORK).path("metadata").path("resourceVersion").asText();
    String deepPath = "/spec/workload/manifests/0/x" + "/a".repeat(180);
    String patch =
        "[{\"op\":\"add\",\"path\":\"/spec/workload/manifests/0/x\",\"value\":"
            + nested(190)
            + "},{\"op\":\"add\",\"path\":\""
            + deepPath
            + "\",\"value\":"
            + nested(190)
            + "}]";
    assertStatus(
        http.send("PATCH", WORK, "application/json-patch+json", patch),
        422,
        "Invalid",
        "the server reads at most 200 levels");
    assertEquals(rv, http.getJson(WORK).path("metadata").path("resourceVersion").asText());
    // Copying a subtree under itself doubles the depth in one operation: refused all the same.
    String copy =
        "[{\"op\":\"add\",\"path\":\"/spec/workload/manifests/0/x\",\"value\":"
            + nested(150)
            + "},{\"op\":\"copy\",\"from\":\"/spec/workload/manifests/0/x\","
            + "\"path\":\"/spec/workload/manifests/0/x"
            + "/a".repeat(148)
            + "/b\"}]";
    assertStatus(
        http.send("PATCH", WORK, "application/json-patch+json", copy),
        422,
        "Invalid",
        "levels deep");
    assertEquals(rv, http.getJson(WORK).path("metadata").path("resourceVersion").asText());
  }

  @Test
  void anObjectAtTheParsersLimitIsStoredAndGoesBackThroughIt() {
    // 199 levels: what the parser takes is stored, and what is stored can be sent back.
    String body =
        "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\","
            + "\"metadata\":{\"name\":\"almost\"},\"spec\":{\"workload\":{\"manifests\":[{\"x\":"
            + nested(194)
            + "}]}}}";
    ok(http.send("POST", WORKS, "application/json", body), 201);
    String stored = http.get(WORKS + "/almost").body();
    ok(http.send("PUT", WORKS + "/almost", "application/json", stored), 200);
  }

  @Test
  void theWorkStaysUsableAndTheHubListsWorksAfterARestart() {
    ok(
        http.send(
            "PATCH",
            WORK,
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"still\":\"usable\"}}}"),
        200);
    ok(http.send("POST", WORKS, "application/json", work("other")), 201);
    hub.close();
    hub = TestHub.start(dataDir);
    http = hub.http();
    ok(http.get("/apis/work.karmada.io/v1alpha1/works"), 200);
    ok(http.send("DELETE", WORKS + "/other", null, (String) null), 200);
  }

  private static String work(String name) {
    return "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{\"workload\":{\"manifests\":[]}}}";
  }
}
