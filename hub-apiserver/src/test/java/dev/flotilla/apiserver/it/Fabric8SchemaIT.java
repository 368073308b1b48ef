package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schemas at work through fabric8: a custom resource defaulted and pruned on create, 422 with field
 * causes for invalid objects and statuses (Karmada's PropagationPolicy included), warning headers
 * under the default fieldValidation, and the scale subresource of a Deployment and of a custom
 * resource.
 */
class Fabric8SchemaIT {
  private static final String GIZMO_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: gizmos.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {kind: Gizmo, plural: gizmos, singular: gizmo, listKind: GizmoList}
        versions:
        - name: v1
          served: true
          storage: true
          subresources:
            status: {}
            scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas,
                    labelSelectorPath: .status.selector}
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [size]
                  properties:
                    size: {type: integer, minimum: 0}
                    colour: {type: string, enum: [red, blue], default: red}
                    replicas: {type: integer, default: 1}
                    owner: {type: object, default: {}, properties: {team: {type: string, default: core}}}
                status:
                  type: object
                  properties:
                    phase: {type: string, enum: [Pending, Ready]}
                    replicas: {type: integer}
                    selector: {type: string}
      """;
  private static TestHub hub;
  private static KubernetesClient client;
  private static String ns;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
    ns = newNamespace(client, "schema");
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(Serialization.unmarshal(GIZMO_CRD, CustomResourceDefinition.class))
        .create();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("gizmos.example.com")
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(x -> x.getType().equals("Established")),
            Fabric8Support.WAIT.toSeconds(),
            TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      gizmos() {
    return client.genericKubernetesResources("example.com/v1", "Gizmo");
  }

  private static GenericKubernetesResource gizmo(String name, String spec) {
    return Serialization.unmarshal(
        "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: "
            + name
            + "}\nspec: "
            + spec
            + "\n",
        GenericKubernetesResource.class);
  }

  private static JsonNode tree(Object o) {
    return Fabric8Support.JSON.valueToTree(o);
  }

  @Test
  void customResourcesAreDefaultedAndPruned() {
    GenericKubernetesResource sent = gizmo("g-defaults", "{size: 2, flavour: mint}");
    sent.setAdditionalProperty("extra", 1);
    JsonNode created = tree(gizmos().inNamespace(ns).resource(sent).create());
    assertEquals("red", created.at("/spec/colour").asText());
    assertEquals(1, created.at("/spec/replicas").asInt());
    assertEquals("core", created.at("/spec/owner/team").asText());
    assertFalse(created.path("spec").has("flavour"), created.toString());
    assertFalse(created.has("extra"), created.toString());
    assertEquals(
        created.path("spec"),
        tree(gizmos().inNamespace(ns).withName("g-defaults").get()).path("spec"),
        "stored as answered");
  }

  @Test
  void unknownFieldsWarnByDefaultAndFailUnderStrict() throws Exception {
    String path = "/apis/example.com/v1/namespaces/" + ns + "/gizmos";
    String body =
        "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":"
            + "\"NAME\"},\"spec\":{\"size\":1,\"size\":2,\"flavour\":\"mint\"}}";
    HttpResponse<String> warned = send("POST", path, body.replace("NAME", "g-warn"));
    assertEquals(201, warned.code(), warned.body());
    assertEquals(
        List.of(
            "299 - \"duplicate field \\\"spec.size\\\"\"",
            "299 - \"unknown field \\\"spec.flavour\\\"\""),
        warned.headers("Warning"));
    assertEquals(2, Fabric8Support.JSON.readTree(warned.body()).at("/spec/size").asInt());

    HttpResponse<String> strict =
        send("POST", path + "?fieldValidation=Strict", body.replace("NAME", "g-strict"));
    assertEquals(400, strict.code(), strict.body());
    assertEquals(
        "Gizmo in version \"v1\" cannot be handled as a Gizmo: strict decoding error:"
            + " duplicate field \"spec.size\", unknown field \"spec.flavour\"",
        Fabric8Support.JSON.readTree(strict.body()).path("message").asText());
    assertEquals(null, gizmos().inNamespace(ns).withName("g-strict").get(), "nothing stored");

    HttpResponse<String> ignored =
        send("POST", path + "?fieldValidation=Ignore", body.replace("NAME", "g-ignore"));
    assertEquals(201, ignored.code(), ignored.body());
    assertEquals(List.of(), ignored.headers("Warning"));
  }

  @Test
  void invalidObjectsAndStatusesAre422WithFieldCauses() {
    KubernetesClientException e =
        failsWith(
            422,
            "Invalid",
            () ->
                gizmos()
                    .inNamespace(ns)
                    .resource(gizmo("g-bad", "{size: -1, colour: green}"))
                    .create());
    assertEquals(
        List.of("spec.size", "spec.colour"),
        e.getStatus().getDetails().getCauses().stream().map(StatusCause::getField).toList());
    assertTrue(
        e.getStatus().getMessage().startsWith("Gizmo.example.com \"g-bad\" is invalid: ["),
        e.getStatus().getMessage());

    GenericKubernetesResource ok =
        gizmos().inNamespace(ns).resource(gizmo("g-status", "{size: 1}")).create();
    ok.setAdditionalProperty("status", Map.of("phase", "Exploded"));
    KubernetesClientException status =
        failsWith(422, "Invalid", () -> gizmos().inNamespace(ns).resource(ok).updateStatus());
    assertEquals("status.phase", status.getStatus().getDetails().getCauses().get(0).getField());
    assertEquals(
        "FieldValueNotSupported", status.getStatus().getDetails().getCauses().get(0).getReason());

    GenericKubernetesResource policy =
        Serialization.unmarshal(
            """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: bad-policy}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          placement: {replicaScheduling: {replicaSchedulingType: Foo}}
        """,
            GenericKubernetesResource.class);
    KubernetesClientException pp =
        failsWith(
            422,
            "Invalid",
            () ->
                client
                    .genericKubernetesResources("policy.karmada.io/v1alpha1", "PropagationPolicy")
                    .inNamespace(ns)
                    .resource(policy)
                    .create());
    StatusCause cause = pp.getStatus().getDetails().getCauses().get(0);
    assertEquals("spec.placement.replicaScheduling.replicaSchedulingType", cause.getField());
    assertEquals(
        "Unsupported value: \"Foo\": supported values: \"Duplicated\", \"Divided\"",
        cause.getMessage());
  }

  @Test
  void deploymentsScaleThroughTheSubresource() throws Exception {
    Deployment web =
        Serialization.unmarshal(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        """,
            Deployment.class);
    client.apps().deployments().inNamespace(ns).resource(web).create();
    var deployment = client.apps().deployments().inNamespace(ns).withName("web");
    Scale scale = deployment.scale();
    assertEquals(2, scale.getSpec().getReplicas());
    assertEquals("app=web", scale.getStatus().getSelector());
    assertEquals("autoscaling/v1", scale.getApiVersion());

    Deployment scaled = deployment.scale(4);
    assertEquals(4, scaled.getSpec().getReplicas());
    assertEquals(2L, scaled.getMetadata().getGeneration(), "a spec change");

    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments/web/scale";
    assertEquals(422, send("PUT", path, "{\"spec\":{\"replicas\":-1}}").code());
    HttpResponse<String> stale =
        send("PUT", path, "{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":9}}");
    assertEquals(409, stale.code(), stale.body());
    assertEquals(4, deployment.get().getSpec().getReplicas());
    assertEquals(405, send("POST", path, "{}").code());

    JsonNode discovery = Fabric8Support.JSON.readTree(send("GET", "/apis/apps/v1", null).body());
    JsonNode entry = null;
    for (JsonNode r : discovery.path("resources")) {
      entry = r.path("name").asText().equals("deployments/scale") ? r : entry;
    }
    assertEquals("autoscaling", entry.path("group").asText(), discovery.toString());
    assertEquals("Scale", entry.path("kind").asText());
  }

  @Test
  void customResourcesScaleAlongTheirCrdPaths() throws Exception {
    GenericKubernetesResource g =
        gizmos().inNamespace(ns).resource(gizmo("g-scale", "{size: 1}")).create();
    g.setAdditionalProperty("status", Map.of("replicas", 1, "selector", "app=gizmo"));
    gizmos().inNamespace(ns).resource(g).updateStatus();
    String path = "/apis/example.com/v1/namespaces/" + ns + "/gizmos/g-scale/scale";
    JsonNode scale = Fabric8Support.JSON.readTree(send("GET", path, null).body());
    assertEquals("Scale", scale.path("kind").asText());
    assertEquals(1, scale.at("/spec/replicas").asInt());
    assertEquals(1, scale.at("/status/replicas").asInt());
    assertEquals("app=gizmo", scale.at("/status/selector").asText());

    HttpResponse<String> patched = send("PATCH", path, "{\"spec\":{\"replicas\":3}}");
    assertEquals(200, patched.code(), patched.body());
    assertEquals(3, Fabric8Support.JSON.readTree(patched.body()).at("/spec/replicas").asInt());
    JsonNode stored = tree(gizmos().inNamespace(ns).withName("g-scale").get());
    assertEquals(3, stored.at("/spec/replicas").asInt());
    assertEquals(1, stored.at("/spec/size").asInt());

    JsonNode discovery =
        Fabric8Support.JSON.readTree(send("GET", "/apis/example.com/v1", null).body());
    assertTrue(discovery.toString().contains("\"gizmos/scale\""), discovery.toString());
  }

  /** A raw request through the client's HTTP stack; PATCH bodies are merge patches. */
  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpClient http = client.getHttpClient();
    HttpRequest.Builder b =
        http.newHttpRequestBuilder()
            .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path);
    if (body != null) {
      b.method(
          method,
          method.equals("PATCH") ? "application/merge-patch+json" : "application/json",
          body);
    }
    return http.sendAsync(b.build(), String.class)
        .get(Fabric8Support.WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
