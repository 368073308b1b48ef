package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Built-in kinds are type-checked against their 1.33 schema and upstream's validation on every
 * write path: each example of issue 9 (a Deployment's {@code replicas: "x"}, a Pod's {@code "spec":
 * ""}, a Service without ports, a merge patch {@code {"spec": null}}, an update body {@code {"a":
 * 1}}, a Namespace's {@code "spec": "x"}) is refused with a field path, and nothing is stored: a
 * refused create leaves no object, a refused write leaves the same resourceVersion.
 */
class BuiltinSchemaIT {
  private static final String NS = "builtin-schema";
  private static final String DEPLOYS = "/apis/apps/v1/namespaces/" + NS + "/deployments";
  private static final String DEPLOY = DEPLOYS + "/web";
  private static TestHub hub;
  private static RawHttp http;

  static String deployment(String name, String specExtra) {
    return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{"
        + specExtra
        + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
  }

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    http = hub.http();
    created("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}");
    created(DEPLOYS, deployment("web", "\"replicas\":2,"));
    created(
        "/api/v1/namespaces/" + NS + "/configmaps",
        "{\"metadata\":{\"name\":\"settings\"},\"data\":{\"k\":\"v\"}}");
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

  private static String rv(String path) {
    return http.getJson(path).path("metadata").path("resourceVersion").asText();
  }

  private static void assertInvalid(HttpResponse<String> r, String field, String fragment) {
    JsonNode status = assertStatus(r, 422, "Invalid", field + ": " + fragment);
    boolean named = false;
    for (JsonNode cause : status.path("details").path("causes")) {
      named |= cause.path("field").asText().equals(field);
    }
    assertTrue(named, () -> "a cause should name " + field + ": " + r.body());
  }

  @Test
  void replicasOfTheWrongTypeOnEveryWritePath() {
    String field = "spec.replicas";
    String typeMsg = "Invalid value: \"string\": spec.replicas in body must be of type integer";
    String bad = deployment("fresh", "\"replicas\":\"x\",");
    assertInvalid(http.send("POST", DEPLOYS, "application/json", bad), field, typeMsg);
    assertInvalid(http.send("POST", DEPLOYS + "?dryRun=All", "application/json", bad), field, "");
    assertInvalid(
        http.send("PATCH", DEPLOYS + "/fresh?fieldManager=t", "application/apply-patch+yaml", bad),
        field,
        typeMsg);
    assertEquals(404, http.get(DEPLOYS + "/fresh").statusCode());

    String before = rv(DEPLOY);
    String patch = "{\"spec\":{\"replicas\":\"x\"}}";
    assertInvalid(http.send("PATCH", DEPLOY, "application/merge-patch+json", patch), field, "");
    assertInvalid(
        http.send("PATCH", DEPLOY, "application/strategic-merge-patch+json", patch), field, "");
    assertInvalid(
        http.send(
            "PATCH",
            DEPLOY,
            "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":\"x\"}]"),
        field,
        typeMsg);
    assertInvalid(
        http.send(
            "PATCH",
            DEPLOY + "?fieldManager=t&force=true",
            "application/apply-patch+yaml",
            deployment("web", "\"replicas\":\"x\",")),
        field,
        typeMsg);
    assertInvalid(
        http.send("PUT", DEPLOY, "application/json", deployment("web", "\"replicas\":\"x\",")),
        field,
        typeMsg);
    // Out of int32's range is as wrong as a string.
    assertInvalid(
        http.send(
            "PATCH", DEPLOY, "application/merge-patch+json", "{\"spec\":{\"replicas\":1e12}}"),
        field,
        "Invalid value: 1000000000000: spec.replicas in body must be of type int32");
    assertEquals(before, rv(DEPLOY));
    assertEquals(2, http.getJson(DEPLOY).path("spec").path("replicas").asInt());
  }

  @Test
  void mergePatchThatDropsTheSpecIsRefused() {
    String before = rv(DEPLOY);
    HttpResponse<String> r =
        http.send("PATCH", DEPLOY, "application/merge-patch+json", "{\"spec\":null}");
    assertInvalid(r, "spec.selector", "Required value");
    assertTrue(r.body().contains("spec.template.spec.containers: Required value"), r.body());
    assertEquals(before, rv(DEPLOY));
  }

  @Test
  void podWithAStringSpecIsRefused() {
    String pods = "/api/v1/namespaces/" + NS + "/pods";
    assertInvalid(
        http.send(
            "POST", pods, "application/json", "{\"metadata\":{\"name\":\"p\"},\"spec\":\"\"}"),
        "spec",
        "Invalid value: \"string\": spec in body must be of type object");
    assertInvalid(
        http.send("POST", pods, "application/json", "{\"metadata\":{\"name\":\"p\"},\"spec\":{}}"),
        "spec.containers",
        "Required value");
    assertInvalid(
        http.send(
            "POST",
            pods,
            "application/json",
            "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"lots\"}}}]}}"),
        "spec.containers[0].resources.limits.cpu",
        "Invalid value: \"lots\": quantities must match the regular expression");
    assertEquals(0, http.getJson(pods).path("items").size());
  }

  @Test
  void serviceWithoutPortsIsRefusedUnlessHeadlessOrExternalName() {
    KubernetesClient client = hub.client();
    KubernetesClientException e =
        assertThrows(
            KubernetesClientException.class,
            () ->
                client
                    .services()
                    .inNamespace(NS)
                    .resource(
                        new ServiceBuilder()
                            .withNewMetadata()
                            .withName("no-ports")
                            .endMetadata()
                            .withNewSpec()
                            .addToSelector("app", "web")
                            .endSpec()
                            .build())
                    .create());
    assertEquals(422, e.getCode());
    assertTrue(e.getMessage().contains("spec.ports: Required value"), e.getMessage());
    assertEquals(null, client.services().inNamespace(NS).withName("no-ports").get());
    String svcs = "/api/v1/namespaces/" + NS + "/services";
    created(svcs, "{\"metadata\":{\"name\":\"headless\"},\"spec\":{\"clusterIP\":\"None\"}}");
    created(
        svcs,
        "{\"metadata\":{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\","
            + "\"externalName\":\"example.com\"}}");
    assertInvalid(
        http.send(
            "POST",
            svcs,
            "application/json",
            "{\"metadata\":{\"name\":\"two\"},\"spec\":{\"ports\":[{\"port\":80},"
                + "{\"port\":70000,\"name\":\"b\"}]}}"),
        "spec.ports[0].name",
        "Required value");
    client.close();
  }

  @Test
  void updateWhoseBodyNamesNothingLeavesTheConfigMapAlone() {
    String cm = "/api/v1/namespaces/" + NS + "/configmaps/settings";
    String before = rv(cm);
    assertStatus(
        http.send("PUT", cm, "application/json", "{\"a\":1}"),
        400,
        "BadRequest",
        "the name of the object () does not match the name on the URL (settings)");
    assertEquals(before, rv(cm));
    assertEquals("v", http.getJson(cm).path("data").path("k").asText());
  }

  @Test
  void namespaceWithAStringSpecIsA422NotA500() {
    assertInvalid(
        http.send(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            "{\"metadata\":{\"name\":\"strange\"},\"spec\":\"x\"}"),
        "spec",
        "Invalid value: \"string\": spec in body must be of type object");
    assertEquals(404, http.get("/api/v1/namespaces/strange").statusCode());
  }

  @Test
  void selectorMustMatchTheTemplate() {
    String bad =
        deployment("mismatch", "")
            .replace("\"labels\":{\"app\":\"web\"}", "\"labels\":{\"a\":\"b\"}");
    assertInvalid(
        http.send("POST", DEPLOYS, "application/json", bad),
        "spec.template.metadata.labels",
        "Invalid value: map[string]string{\"a\":\"b\"}: `selector` does not match template `labels`");
    String badOperator =
        deployment("badop", "")
            .replace(
                "\"selector\":{\"matchLabels\":{\"app\":\"web\"}}",
                "\"selector\":{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Equals\"}]}");
    assertInvalid(
        http.send("POST", DEPLOYS, "application/json", badOperator),
        "spec.selector.matchExpressions[0].operator",
        "Invalid value: \"Equals\": not a valid selector operator");
    assertEquals(404, http.get(DEPLOYS + "/mismatch").statusCode());
  }
}
