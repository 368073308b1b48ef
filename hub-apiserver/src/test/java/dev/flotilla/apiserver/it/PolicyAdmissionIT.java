package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Karmada policies are refused at admission as Karmada's validating webhook refuses them, with 422
 * and a field path, instead of being stored to silently match nothing: invalid label selectors in
 * resource selectors and cluster affinities ({@code operator: Equals}, {@code In} with no values,
 * bad keys), cluster affinity conflicts, spread constraints, replica weights, override rules and
 * cluster names. Nothing refused is stored; a valid policy still is.
 */
class PolicyAdmissionIT {
  private static final String NS = "policies";
  private static final String PPS =
      "/apis/policy.karmada.io/v1alpha1/namespaces/" + NS + "/propagationpolicies";
  private static final String OPS =
      "/apis/policy.karmada.io/v1alpha1/namespaces/" + NS + "/overridepolicies";
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  private static String pp(String name, String selectorExtra, String placement) {
    return "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"PropagationPolicy\","
        + "\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{\"resourceSelectors\":[{"
        + "\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\""
        + selectorExtra
        + "}],"
        + "\"placement\":"
        + placement
        + "}}";
  }

  private static void refused(String collection, String body, String field, String fragment) {
    HttpResponse<String> r = http.send("POST", collection, "application/json", body);
    JsonNode status = assertStatus(r, 422, "Invalid", fragment);
    boolean named = false;
    for (JsonNode cause : status.path("details").path("causes")) {
      named |= cause.path("field").asText().equals(field);
    }
    assertTrue(named, () -> "a cause should name " + field + ": " + r.body());
    assertEquals(0, http.getJson(collection).path("items").size(), "nothing stored");
  }

  @Test
  void invalidLabelSelectorsAreRefused() {
    refused(
        PPS,
        pp(
            "equals",
            ",\"labelSelector\":{\"matchExpressions\":[{\"key\":\"app\","
                + "\"operator\":\"Equals\",\"values\":[\"web\"]}]}",
            "{}"),
        "spec.resourceSelectors[0].labelSelector.matchExpressions[0].operator",
        "Invalid value: \"Equals\": not a valid selector operator");
    refused(
        PPS,
        pp(
            "novalues",
            "",
            "{\"clusterAffinity\":{\"labelSelector\":{\"matchExpressions\":"
                + "[{\"key\":\"env\",\"operator\":\"In\"}]}}}"),
        "spec.placement.clusterAffinity.labelSelector.matchExpressions[0].values",
        "Required value: must be specified when `operator` is 'In' or 'NotIn'");
    refused(
        PPS,
        pp("badkey", ",\"labelSelector\":{\"matchLabels\":{\"bad key\":\"x\"}}", "{}"),
        "spec.resourceSelectors[0].labelSelector.matchLabels",
        "Invalid value: \"bad key\": name part must consist of alphanumeric characters");
  }

  @Test
  void placementRulesAreKarmadas() {
    refused(
        PPS,
        pp(
            "both",
            "",
            "{\"clusterAffinity\":{\"clusterNames\":[\"member1\"]},"
                + "\"clusterAffinities\":[{\"affinityName\":\"a\",\"clusterNames\":[\"member1\"]}]}"),
        "spec.placement",
        "clusterAffinities cannot co-exist with clusterAffinity");
    refused(
        PPS,
        pp(
            "spread",
            "",
            "{\"spreadConstraints\":[{\"spreadByField\":\"region\","
                + "\"maxGroups\":2,\"minGroups\":1}]}"),
        "spec.placement.spreadConstraints",
        "the cluster spread constraint must be enabled in one of the constraints");
    refused(
        PPS,
        pp(
            "minmax",
            "",
            "{\"spreadConstraints\":[{\"spreadByField\":\"cluster\","
                + "\"maxGroups\":1,\"minGroups\":3}]}"),
        "spec.placement.spreadConstraints[0]",
        "maxGroups lower than minGroups is not allowed");
    refused(
        PPS,
        pp("names", "", "{\"clusterAffinity\":{\"clusterNames\":[\"Member_1\"]}}"),
        "spec.placement.clusterAffinity.clusterNames[0]",
        "Invalid value: \"Member_1\": a lowercase RFC 1123 label");
    refused(
        PPS,
        pp(
            "field",
            "",
            "{\"clusterAffinity\":{\"fieldSelector\":{\"matchExpressions\":"
                + "[{\"key\":\"country\",\"operator\":\"In\",\"values\":[\"x\"]}]}}}"),
        "spec.placement.clusterAffinity.fieldSelector",
        "unsupported key \"country\", must be provider, region, or zone");
    refused(
        PPS,
        pp(
            "weights",
            "",
            "{\"replicaScheduling\":{\"replicaSchedulingType\":\"Divided\","
                + "\"replicaDivisionPreference\":\"Weighted\",\"weightPreference\":{\"staticWeightList\":"
                + "[{\"targetCluster\":{\"clusterNames\":[\"member1\"]},\"weight\":0}]}}}"),
        "spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight",
        "Invalid value: 0");
    HttpResponse<String> ok =
        http.send(
            "POST",
            PPS,
            "application/json",
            pp(
                "valid",
                ",\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}}",
                "{\"clusterAffinity\":{\"clusterNames\":[\"member1\"]}}"));
    assertEquals(201, ok.statusCode(), ok.body());
    http.send("DELETE", PPS + "/valid", null, (String) null);
  }

  /**
   * Failover as Karmada's webhook checks it; what Flotilla cannot evaluate yet is refused, not
   * stored and ignored.
   */
  @Test
  void failoverFieldsAreChecked() {
    String placement = "{\"clusterAffinity\":{\"clusterNames\":[\"member1\"]}}";
    String app =
        ",\"propagateDeps\":true,\"failover\":{\"application\":{\"decisionConditions\":"
            + "{\"tolerationSeconds\":60},\"purgeMode\":\"Directly\"}}";
    refused(
        PPS,
        pp("app-failover", "", placement)
            .replace("}}}", "}}" + app.replace("Directly", "Gracefully") + "}"),
        "spec.failover.application.gracePeriodSeconds",
        "should not be empty when purgeMode is gracefully");
    HttpResponse<String> directly =
        http.send(
            "POST",
            PPS,
            "application/json",
            pp("app-failover", "", placement).replace("}}}", "}}" + app + "}"));
    assertEquals(201, directly.statusCode(), directly.body());
    http.send("DELETE", PPS + "/app-failover", null, (String) null);
    String badPath =
        ",\"failover\":{\"cluster\":{\"purgeMode\":\"Directly\",\"statePreservation\":"
            + "{\"rules\":[{\"aliasLabelName\":\"a\",\"jsonPath\":\"{.items[*].name}\"}]}}}";
    refused(
        PPS,
        pp("bad-path", "", placement).replace("}}}", "}}" + badPath + "}"),
        "spec.failover.cluster.statePreservation.rules[0].jsonPath",
        "this JSONPath is not supported by Flotilla yet");
    String cluster = badPath.replace("{.items[*].name}", "{.readyReplicas}");
    HttpResponse<String> ok =
        http.send(
            "POST",
            PPS,
            "application/json",
            pp("cluster-failover", "", placement).replace("}}}", "}}" + cluster + "}"));
    assertEquals(201, ok.statusCode(), ok.body());
    http.send("DELETE", PPS + "/cluster-failover", null, (String) null);
  }

  @Test
  void clusterTaintPoliciesAreChecked() {
    String ctps = "/apis/policy.karmada.io/v1alpha1/clustertaintpolicies";
    String head =
        "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"ClusterTaintPolicy\","
            + "\"metadata\":{\"name\":\"ctp\"},\"spec\":{";
    String taint = "{\"key\":\"k\",\"effect\":\"NoExecute\"}";
    refused(
        ctps,
        head + "\"taints\":[" + taint + "," + taint + "]}}",
        "spec.taints[1]",
        "duplicate taint with the same key(k) and effect(NoExecute) is not allowed");
    refused(
        ctps,
        head
            + "\"addOnConditions\":[{\"conditionType\":\"Ready\",\"operator\":\"Equals\","
            + "\"statusValues\":[\"False\"]}],\"taints\":["
            + taint
            + "]}}",
        "spec.addOnConditions[0].operator",
        "Unsupported value: \"Equals\"");
    HttpResponse<String> ok =
        http.send(
            "POST",
            ctps,
            "application/json",
            head
                + "\"addOnConditions\":[{\"conditionType\":\"Ready\",\"operator\":\"NotIn\","
                + "\"statusValues\":[\"True\"]}],\"taints\":["
                + taint
                + "]}}");
    assertEquals(201, ok.statusCode(), ok.body());
    http.send("DELETE", ctps + "/ctp", null, (String) null);
  }

  @Test
  void overrideRulesAreChecked() {
    String head =
        "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"OverridePolicy\","
            + "\"metadata\":{\"name\":\"o\"},\"spec\":{\"resourceSelectors\":[{\"apiVersion\":\"apps/v1\","
            + "\"kind\":\"Deployment\"}],\"overrideRules\":[{\"overriders\":";
    refused(
        OPS,
        head
            + "{\"plaintext\":[{\"path\":\"spec/replicas\",\"operator\":\"replace\",\"value\":2}]}}]}}",
        "spec.overrideRules[0].overriders.plaintext[0].path",
        "JSON pointer must be empty or start with a \"/\"");
    refused(
        OPS,
        head + "{\"plaintext\":[{\"path\":\"/spec/replicas\",\"operator\":\"add\"}]}}]}}",
        "spec.overrideRules[0].overriders.plaintext[0].value",
        "value is required for add or replace operation");
    refused(
        OPS,
        head
            + "{\"imageOverrider\":[{\"component\":\"Registry\",\"operator\":\"replace\","
            + "\"value\":\"r\",\"predicate\":{\"path\":\"spec\"}}]}}]}}",
        "spec.overrideRules[0].overriders.imageOverrider[0].predicate.path",
        "JSON pointer must be empty or start with a \"/\"");
    refused(
        OPS,
        head
            + "{\"imageOverrider\":[{\"component\":\"Digest\",\"operator\":\"replace\","
            + "\"value\":\"r\"}]}}]}}",
        "spec.overrideRules[0].overriders.imageOverrider[0].component",
        "Unsupported value: \"Digest\"");
    refused(
        OPS,
        head
            + "{\"labelsOverrider\":[{\"operator\":\"add\",\"value\":{\"k\":\"bad value!\"}}]},"
            + "\"targetCluster\":{\"clusterNames\":[\"member1\"]}}]}}",
        "spec.overrideRules[0].overriders.labelsOverrider[0].value",
        "Invalid value: \"bad value!\"");
  }

  @Test
  void clusterNamesAreKarmadas() {
    String name = "c".repeat(49);
    HttpResponse<String> r =
        http.send(
            "POST",
            "/apis/cluster.karmada.io/v1alpha1/clusters",
            "application/json",
            "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\",\"metadata\":{"
                + "\"name\":\""
                + name
                + "\"},\"spec\":{\"syncMode\":\"Pull\"}}");
    assertStatus(
        r,
        422,
        "Invalid",
        "metadata.name: Invalid value: \"" + name + "\": must be no more than 48 characters");
    assertEquals(404, http.get("/apis/cluster.karmada.io/v1alpha1/clusters/" + name).statusCode());
  }

  @Test
  void federatedResourceQuotasAreChecked() {
    String frqs = "/apis/policy.karmada.io/v1alpha1/namespaces/" + NS + "/federatedresourcequotas";
    String head =
        "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":\"FederatedResourceQuota\","
            + "\"metadata\":{\"name\":\"q\"},\"spec\":{\"overall\":{\"cpu\":\"1\"},";
    refused(
        frqs,
        head + "\"staticAssignments\":[{\"clusterName\":\"m1\",\"hard\":{\"cpu\":\"2\"}}]}}",
        "spec.overall[cpu]",
        "overall is less than assignments");
    refused(
        frqs,
        head + "\"staticAssignments\":[{\"clusterName\":\"m1\",\"hard\":{\"memory\":\"1Gi\"}}]}}",
        "spec.staticAssignments[0].hard[memory]",
        "assignment resourceName is not exist in overall");
    HttpResponse<String> ok =
        http.send(
            "POST",
            frqs,
            "application/json",
            head
                + "\"staticAssignments\":[{\"clusterName\":\"m1\",\"hard\":{\"cpu\":\"600m\"}}]}}");
    assertEquals(201, ok.statusCode(), ok.body());
    http.send("DELETE", frqs + "/q", null, (String) null);
  }

  @Test
  void interpreterCustomizationScriptsMustCompile() {
    String rics = "/apis/config.karmada.io/v1alpha1/resourceinterpretercustomizations";
    String body =
        "{\"apiVersion\":\"config.karmada.io/v1alpha1\",\"kind\":\"ResourceInterpreterCustomization\","
            + "\"metadata\":{\"name\":\"r\"},\"spec\":{\"target\":{\"apiVersion\":\"v1\","
            + "\"kind\":\"ConfigMap\"},\"customizations\":{\"healthInterpretation\":"
            + "{\"luaScript\":\"function InterpretHealth(o) return end end\"}}}}";
    refused(rics, body, "spec.customizations.healthInterpretation.luaScript", "Lua script error");
    HttpResponse<String> ok =
        http.send(
            "POST", rics, "application/json", body.replace("return end end", "return true end"));
    assertEquals(201, ok.statusCode(), ok.body());
    http.send("DELETE", rics + "/r", null, (String) null);
  }
}
