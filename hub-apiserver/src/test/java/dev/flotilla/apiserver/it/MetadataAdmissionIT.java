package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metadata that is not an ObjectMeta ({@code ownerReferences: "x"} and its kin) is refused with 422
 * and a field path on every write path, for a built-in kind and for custom resources (the
 * federation's ResourceBinding and Work, which once stalled the controllers), and nothing is
 * stored: a refused create leaves no object, a refused update or patch leaves the same
 * resourceVersion.
 */
class MetadataAdmissionIT {
  private static final String NS = "bad-meta";
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  /** A kind under test: its collection path, and the body of a valid object named "target". */
  record Kind(String name, String collection, String apiVersion, String kind, String rest) {
    String item(String objectName) {
      return collection + "/" + objectName;
    }

    String body(String objectName, String metadataExtra) {
      return "{\"apiVersion\":\""
          + apiVersion
          + "\",\"kind\":\""
          + kind
          + "\",\"metadata\":{\"name\":\""
          + objectName
          + "\""
          + metadataExtra
          + "}"
          + rest
          + "}";
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Kind> KINDS =
      List.of(
          new Kind(
              "ConfigMap",
              "/api/v1/namespaces/" + NS + "/configmaps",
              "v1",
              "ConfigMap",
              ",\"data\":{\"k\":\"v\"}"),
          new Kind(
              "ResourceBinding",
              "/apis/work.karmada.io/v1alpha2/namespaces/" + NS + "/resourcebindings",
              "work.karmada.io/v1alpha2",
              "ResourceBinding",
              ",\"spec\":{\"resource\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                  + "\"namespace\":\""
                  + NS
                  + "\",\"name\":\"cm\"}}"),
          new Kind(
              "Work",
              "/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works",
              "work.karmada.io/v1alpha1",
              "Work",
              ",\"spec\":{\"workload\":{\"manifests\":[]}}"));

  /** Bad metadata (as JSON members after the name) and the field path the 422 must name. */
  record Bad(String metadataExtra, String field, String bodyFragment) {
    @Override
    public String toString() {
      return metadataExtra;
    }
  }

  static final List<Bad> BAD =
      List.of(
          new Bad(
              ",\"ownerReferences\":\"x\"",
              "metadata.ownerReferences",
              "Invalid value: \"string\": metadata.ownerReferences in body must be of type array"),
          new Bad(",\"ownerReferences\":[\"x\"]", "metadata.ownerReferences[0]", "type object"),
          new Bad(
              ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"o\"}]",
              "metadata.ownerReferences[0].uid",
              "Required value"),
          new Bad(",\"labels\":{\"a\":1}", "metadata.labels.a", "type string"),
          new Bad(",\"annotations\":[\"a\"]", "metadata.annotations", "type object"),
          new Bad(",\"finalizers\":\"f\"", "metadata.finalizers", "type array"),
          new Bad(",\"generateName\":{}", "metadata.generateName", "type string"),
          new Bad(",\"managedFields\":{}", "metadata.managedFields", "type array"));

  static List<Object[]> cases() {
    List<Object[]> all = new java.util.ArrayList<>();
    for (Kind k : KINDS) {
      for (Bad b : BAD) {
        all.add(new Object[] {k, b});
      }
    }
    return all;
  }

  static List<Kind> kinds() {
    return KINDS;
  }

  @BeforeAll
  static void start() {
    for (Kind k : KINDS) {
      HttpResponse<String> r =
          http.send("POST", k.collection(), "application/json", k.body("target", ""));
      assertEquals(201, r.statusCode(), r.body());
    }
  }

  private static void assertInvalid(HttpResponse<String> r, Bad bad) {
    JsonNode status = assertStatus(r, 422, "Invalid", bad.field() + ": ");
    assertTrue(
        status.path("message").asText().contains(bad.bodyFragment()),
        () -> "message should say " + bad.bodyFragment() + ": " + r.body());
    boolean named = false;
    for (JsonNode cause : status.path("details").path("causes")) {
      named |= cause.path("field").asText().equals(bad.field());
    }
    assertTrue(named, () -> "a cause should name " + bad.field() + ": " + r.body());
  }

  private static String resourceVersion(Kind k) {
    return http.getJson(k.item("target")).path("metadata").path("resourceVersion").asText();
  }

  @ParameterizedTest(name = "create {0} with {1}")
  @MethodSource("cases")
  void createIsRefusedAndStoresNothing(Kind k, Bad bad) {
    String body = k.body("fresh", bad.metadataExtra());
    assertInvalid(http.send("POST", k.collection(), "application/json", body), bad);
    assertInvalid(http.send("POST", k.collection() + "?dryRun=All", "application/json", body), bad);
    assertEquals(404, http.get(k.item("fresh")).statusCode());
    // Server-side apply that would create the object takes the same check.
    assertInvalid(
        http.send(
            "PATCH", k.item("fresh") + "?fieldManager=test", "application/apply-patch+yaml", body),
        bad);
    assertEquals(404, http.get(k.item("fresh")).statusCode());
  }

  @ParameterizedTest(name = "update {0} with {1}")
  @MethodSource("cases")
  void updateIsRefusedAndChangesNothing(Kind k, Bad bad) {
    String before = resourceVersion(k);
    assertInvalid(
        http.send(
            "PUT", k.item("target"), "application/json", k.body("target", bad.metadataExtra())),
        bad);
    assertEquals(before, resourceVersion(k));
  }

  @ParameterizedTest(name = "patch {0} with {1}")
  @MethodSource("cases")
  void everyPatchTypeIsRefusedAndChangesNothing(Kind k, Bad bad) {
    String before = resourceVersion(k);
    String metaPatch = "{\"metadata\":{" + bad.metadataExtra().substring(1) + "}}";
    assertInvalid(
        http.send("PATCH", k.item("target"), "application/merge-patch+json", metaPatch), bad);
    int colon = bad.metadataExtra().indexOf(':');
    String field = bad.metadataExtra().substring(2, colon - 1);
    String value = bad.metadataExtra().substring(colon + 1);
    assertInvalid(
        http.send(
            "PATCH",
            k.item("target"),
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/metadata/" + field + "\",\"value\":" + value + "}]"),
        bad);
    if (k.name().equals("ConfigMap")) { // strategic merge patch is for built-in kinds only
      assertInvalid(
          http.send("PATCH", k.item("target"), "application/strategic-merge-patch+json", metaPatch),
          bad);
    }
    assertInvalid(
        http.send(
            "PATCH",
            k.item("target") + "?fieldManager=test&force=true",
            "application/apply-patch+yaml",
            k.body("target", bad.metadataExtra())),
        bad);
    assertEquals(before, resourceVersion(k));
  }

  @ParameterizedTest(name = "metadata of {0} must be an object")
  @MethodSource("kinds")
  void metadataThatIsNotAnObjectIsRefused(Kind k) {
    String before = resourceVersion(k);
    String body = k.body("target", "").replace("{\"name\":\"target\"}", "\"x\"");
    Bad bad = new Bad("", "metadata", "metadata in body must be of type object");
    assertInvalid(http.send("POST", k.collection(), "application/json", body), bad);
    assertInvalid(http.send("PUT", k.item("target"), "application/json", body), bad);
    assertInvalid(
        http.send("PATCH", k.item("target"), "application/merge-patch+json", "{\"metadata\":5}"),
        new Bad("", "metadata", "must be of type object: \"integer\""));
    assertEquals(before, resourceVersion(k));
  }
}
