package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.fixtures.RawHttp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Work's status write as the agent makes it (its own token, raw HTTPS PUT to {@code /status}):
 * the hub checks only the status, which is all such a write can change, and keeps kube-apiserver's
 * answers: the stored spec and metadata stay whatever the body says, a bad status is 422 with
 * nothing stored, an unknown status field is dropped (400 under Strict), and managedFields give the
 * agent the status fields it wrote.
 */
class WorkStatusWriteIT {
  private static final String NS = "karmada-es-member1";
  private static final String WORKS = "/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works";
  private static TestHub hub;
  private static RawHttp admin;
  private static RawHttp agent;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start();
    KubernetesClient client = hub.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .resource(Json.MAPPER.treeToValue(AgentTokens.secretFor("member1", "t1"), Secret.class))
        .create();
    admin = hub.http();
    agent = new RawHttp(hub.url(), hub.caCertPath(), "t1");
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  private static ObjectNode create(String name) {
    HttpResponse<String> r =
        admin.send(
            "POST",
            WORKS,
            "application/json",
            ("{'apiVersion':'work.karmada.io/v1alpha1','kind':'Work','metadata':{'name':'"
                    + name
                    + "','labels':{'karmada.io/managed':'true'}},'spec':{'workload':{'manifests':"
                    + "[{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cm',"
                    + "'namespace':'default'},'data':{'k':'v'}}]}}}")
                .replace('\'', '"'));
    assertEquals(201, r.statusCode(), r.body());
    return (ObjectNode) RawHttp.parse(r.body());
  }

  private static ObjectNode stored(String name) {
    return (ObjectNode) admin.getJson(WORKS + "/" + name);
  }

  private static HttpResponse<String> putStatus(String name, String query, String body) {
    return agent.send(
        "PUT",
        WORKS + "/" + name + "/status" + query,
        "application/json",
        body.getBytes(StandardCharsets.UTF_8),
        "t1");
  }

  private static String condition(String status) {
    return "{'type':'Applied','status':'"
        + status
        + "','reason':'AppliedSuccessful','message':'applied',"
        + "'lastTransitionTime':'2026-12-07T09:00:00Z'}";
  }

  @Test
  void specAndMetadataInAStatusWriteAreIgnored() {
    ObjectNode work = create("ignored");
    ObjectNode body = work.deepCopy();
    body.with("metadata").with("labels").put("karmada.io/managed", "false");
    body.with("metadata").with("labels").put("sneaky", "yes");
    body.with("spec").put("suspendDispatching", true);
    ((ObjectNode) body.get("spec").get("workload")).putArray("manifests");
    body.set(
        "status", RawHttp.parse(("{'conditions':[" + condition("True") + "]}").replace('\'', '"')));

    HttpResponse<String> r = putStatus("ignored", "", body.toString());

    assertEquals(200, r.statusCode(), r.body());
    ObjectNode after = stored("ignored");
    assertEquals(work.get("spec"), after.get("spec"));
    assertEquals(work.at("/metadata/labels"), after.at("/metadata/labels"));
    assertEquals(work.at("/metadata/generation"), after.at("/metadata/generation"));
    assertEquals("True", after.at("/status/conditions/0/status").asText());
    assertEquals(RawHttp.parse(r.body()), after, "the answer is the stored object");
  }

  @Test
  void anInvalidStatusIs422AndNothingIsStored() {
    create("invalid");
    HttpResponse<String> ok =
        putStatus(
            "invalid",
            "",
            ("{'metadata':{'name':'invalid'},'status':{'conditions':[" + condition("True") + "]}}")
                .replace('\'', '"'));
    assertEquals(200, ok.statusCode(), ok.body());
    ObjectNode before = stored("invalid");

    HttpResponse<String> bad =
        putStatus(
            "invalid",
            "",
            ("{'metadata':{'name':'invalid'},'status':{'conditions':[" + condition("Maybe") + "]}}")
                .replace('\'', '"'));

    JsonNode status = RawHttp.assertStatus(bad, 422, "Invalid", "status.conditions[0].status");
    assertEquals(
        "status.conditions[0].status", status.at("/details/causes/0/field").asText(), bad.body());
    assertEquals(before, stored("invalid"), "nothing stored, not even managedFields");

    HttpResponse<String> wrongType =
        putStatus(
            "invalid", "", "{\"metadata\":{\"name\":\"invalid\"},\"status\":{\"conditions\":7}}");
    RawHttp.assertStatus(wrongType, 422, "Invalid", "status.conditions");
    assertEquals(before, stored("invalid"));
  }

  @Test
  void unknownStatusFieldsAreDroppedOrRefusedUnderStrict() {
    create("unknown");
    String body =
        ("{'metadata':{'name':'unknown'},'status':{'bogus':1,'conditions':["
                + condition("True").replace("'type'", "'extra':2,'type'")
                + "]}}")
            .replace('\'', '"');

    HttpResponse<String> strict = putStatus("unknown", "?fieldValidation=Strict", body);
    RawHttp.assertStatus(strict, 400, "BadRequest", "unknown field \"status.bogus\"");
    assertTrue(strict.body().contains("status.conditions[0].extra"), strict.body());
    assertFalse(stored("unknown").has("status"));

    HttpResponse<String> warned = putStatus("unknown", "", body);
    assertEquals(200, warned.statusCode(), warned.body());
    assertTrue(
        warned.headers().allValues("Warning").stream().anyMatch(w -> w.contains("status.bogus")),
        warned.headers().toString());
    ObjectNode after = stored("unknown");
    assertFalse(after.path("status").has("bogus"));
    assertFalse(after.at("/status/conditions/0").has("extra"));
    assertEquals("True", after.at("/status/conditions/0/status").asText());
  }

  @Test
  void managedFieldsGiveTheAgentTheStatusFieldsItWrote() {
    create("owned");
    HttpResponse<String> r =
        putStatus(
            "owned",
            "?fieldManager=agent",
            ("{'metadata':{'name':'owned'},'status':{'conditions':["
                    + condition("True")
                    + "],'manifestStatuses':[{'identifier':{'ordinal':0,'version':'v1',"
                    + "'kind':'ConfigMap','resource':'configmaps','namespace':'default','name':'cm'},"
                    + "'health':'Healthy'}]}}")
                .replace('\'', '"'));
    assertEquals(200, r.statusCode(), r.body());

    JsonNode entry = null;
    for (JsonNode e : stored("owned").at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals("agent")) {
        entry = e;
      }
    }
    assertEquals("Update", entry.path("operation").asText());
    assertEquals("status", entry.path("subresource").asText());
    // conditions and manifestStatuses are atomic lists in the Work CRD's schema (no list-type
    // map): the agent owns each list whole, as kube-apiserver records it.
    assertEquals(
        RawHttp.parse("{\"f:status\":{\".\":{},\"f:conditions\":{},\"f:manifestStatuses\":{}}}"),
        entry.get("fieldsV1"),
        entry.toString());
  }
}
