package dev.flotilla.apiserver.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scale views of objects and replica writes, as upstream's scale storage builds them. */
class ScaleTargetTest {
  private static final List<String> SPEC = List.of("spec", "replicas");
  private static final List<String> STATUS = List.of("status", "replicas");
  private static final List<String> SELECTOR = List.of("spec", "selector");

  private static ObjectNode obj(String json) {
    return Json.parseObject(json.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void deploymentsShowTheirSelectorAsAString() {
    ScaleTarget target =
        new ScaleTarget(SPEC, STATUS, SELECTOR, ScaleTarget.Form.LABEL_SELECTOR, 1);
    ObjectNode scale =
        target.toScale(
            obj(
                "{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\","
                    + "\"uid\":\"u\",\"resourceVersion\":\"7\",\"labels\":{\"a\":\"b\"}},\"spec\":{"
                    + "\"selector\":{\"matchLabels\":{\"tier\":\"f\",\"app\":\"web\"},\"matchExpressions\":"
                    + "[{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"qa\",\"dev\"]}]}},"
                    + "\"status\":{\"replicas\":2}}"));
    assertEquals(
        obj("{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{"
                + "\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"u\",\"resourceVersion\":\"7\"},"
                + "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":2,"
                + "\"selector\":\"app=web,env notin (dev,qa),tier=f\"}}")
            .toString(),
        scale.toString());
  }

  @Test
  void replicationControllersUseTheirLabelMap() {
    ScaleTarget target = new ScaleTarget(SPEC, STATUS, SELECTOR, ScaleTarget.Form.LABEL_MAP, 1);
    ObjectNode scale =
        target.toScale(
            obj(
                "{\"metadata\":{\"name\":\"rc\"},\"spec\":{"
                    + "\"replicas\":0,\"selector\":{\"b\":\"2\",\"a\":\"1\"}}}"));
    assertEquals("a=1,b=2", scale.at("/status/selector").asText());
    assertFalse(scale.path("spec").has("replicas"), "0 is omitted, as omitempty upstream");
    assertEquals(0, scale.at("/status/replicas").asInt(-1));
  }

  @Test
  void customResourcesFollowTheirPathsAndMoveGeneration() {
    ScaleTarget target =
        new ScaleTarget(
            ScaleTarget.path(".spec.size.count"),
            ScaleTarget.path(".status.count"),
            ScaleTarget.path(".status.selector"),
            ScaleTarget.Form.STRING,
            0);
    ObjectNode cr =
        obj(
            "{\"metadata\":{\"name\":\"c\",\"generation\":3},\"status\":{"
                + "\"count\":4,\"selector\":\"x=y\"}}");
    assertFalse(target.toScale(cr).path("spec").has("replicas"));
    assertEquals("x=y", target.toScale(cr).at("/status/selector").asText());
    target.setReplicas(cr, 6);
    assertEquals(6, cr.at("/spec/size/count").asInt());
    assertEquals(4, cr.at("/metadata/generation").asInt());
    target.setReplicas(cr, 6);
    assertEquals(4, cr.at("/metadata/generation").asInt(), "no change, no new generation");
  }
}
