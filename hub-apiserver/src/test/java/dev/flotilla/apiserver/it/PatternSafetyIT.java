package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CRD {@code pattern}s run on a linear-time engine (RE2/J, as Go's regexp upstream): {@code
 * ^(.*a){12}$} against a 30-character value that does not match answers 422 at once and stalls
 * nobody (on a backtracking engine it took seconds per request), and a 6 KB condition type checked
 * against metav1.Condition's type pattern is a 422, not a 500 StackOverflowError.
 */
class PatternSafetyIT {
  private static final String NS = "patterns";
  private static final String GADGETS = "/apis/example.com/v1/namespaces/" + NS + "/gadgets";
  private static final String CONDITION_TYPE =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  @BeforeAll
  static void start() {
    String crd =
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
            + "\"metadata\":{\"name\":\"gadgets.example.com\"},\"spec\":{\"group\":\"example.com\","
            + "\"scope\":\"Namespaced\",\"names\":{\"plural\":\"gadgets\",\"singular\":\"gadget\","
            + "\"kind\":\"Gadget\",\"listKind\":\"GadgetList\"},\"versions\":[{\"name\":\"v1\","
            + "\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
            + "\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{"
            + "\"value\":{\"type\":\"string\",\"pattern\":\"^(.*a){12}$\"},"
            + "\"conditions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
            + "\"type\":{\"type\":\"string\",\"maxLength\":316,\"pattern\":\""
            + CONDITION_TYPE
            + "\"}}}}}}}}}}]}}";
    ok(
        http.send(
            "POST",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            "application/json",
            crd),
        201);
  }

  private static void ok(HttpResponse<String> r, int code) {
    assertEquals(code, r.statusCode(), r.body());
  }

  private static String gadget(String name, String spec) {
    return "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":"
        + spec
        + "}";
  }

  @Test
  void catastrophicPatternAnswersAndStallsNobody() {
    String value = "a".repeat(29) + "!";
    // Several at once, and other requests beside them: every one gets its answer.
    java.util.List<CompletableFuture<HttpResponse<String>>> writes = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String body = gadget("g" + i, "{\"value\":\"" + value + "\"}");
      writes.add(
          CompletableFuture.supplyAsync(
              () -> http.send("POST", GADGETS, "application/json", body)));
    }
    ok(http.get("/api/v1/namespaces/" + NS), 200);
    for (CompletableFuture<HttpResponse<String>> w : writes) {
      assertStatus(w.join(), 422, "Invalid", "spec.value in body should match '^(.*a){12}$'");
    }
    ok(
        http.send(
            "POST",
            GADGETS,
            "application/json",
            gadget("fine", "{\"value\":\"" + "a".repeat(12) + "\"}")),
        201);
  }

  @Test
  void sixKilobyteConditionTypeIsA422NotAStackOverflow() {
    String type = "a.".repeat(3000) + "a";
    HttpResponse<String> r =
        http.send(
            "POST",
            GADGETS,
            "application/json",
            gadget("long", "{\"conditions\":[{\"type\":\"" + type + "\"}]}"));
    assertStatus(r, 422, "Invalid", "spec.conditions[0].type: Too long: may not be more than 316");
    ok(http.get(GADGETS), 200);
  }
}
