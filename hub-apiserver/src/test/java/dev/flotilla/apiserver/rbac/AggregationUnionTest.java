package dev.flotilla.apiserver.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flotilla.apiserver.objects.Json;
import org.junit.jupiter.api.Test;

/**
 * What a replica that does not lead writes into an aggregated ClusterRole: the rules it has plus
 * those its cache selects, never fewer (its cache may lack a role another replica just wrote).
 */
class AggregationUnionTest {
  private static final String PODS =
      "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}";
  private static final String WORKS =
      "{\"verbs\":[\"list\"],\"apiGroups\":[\"work.karmada.io\"],\"resources\":[\"works\"]}";
  private static final String SECRETS =
      "{\"verbs\":[\"watch\"],\"apiGroups\":[\"\"],\"resources\":[\"secrets\"]}";

  @Test
  void rulesTheCacheDoesNotSelectAreKeptAndMissingOnesAppended() {
    JsonNode have = rules(PODS, SECRETS);
    ArrayNode wanted = normalized(PODS, WORKS);
    ArrayNode expected = rules(PODS, SECRETS);
    expected.addAll(normalized(WORKS));
    assertEquals(expected, AggregationController.union(have, wanted));
  }

  @Test
  void nothingToAddLeavesTheRulesAsTheyAre() {
    JsonNode have = rules(PODS, WORKS);
    assertEquals(have, AggregationController.union(have, normalized(WORKS)));
    assertEquals(
        normalized(WORKS),
        AggregationController.union(Json.MAPPER.missingNode(), normalized(WORKS)));
  }

  private static ArrayNode rules(String... json) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (String j : json) {
      out.add(Json.read(j.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static ArrayNode normalized(String... json) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode r : rules(json)) {
      out.add(PolicyRule.fromJson(r).toJson());
    }
    return out;
  }
}
