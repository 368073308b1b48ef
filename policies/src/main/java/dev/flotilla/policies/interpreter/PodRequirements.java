package dev.flotilla.policies.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Quantity;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one replica of a pod template needs, as Karmada's {@code ReplicaRequirements}: the summed
 * container requests (an init container counts when it asks for more than the app containers
 * together, pod overhead on top), the node claim (nodeSelector, required node affinity,
 * tolerations), namespace and priorityClassName. Null when the template asks for nothing.
 */
public final class PodRequirements {
  private static final BigDecimal GI = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal MI = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal KI = BigDecimal.valueOf(1L << 10);

  private PodRequirements() {}

  /** The requirements of a pod template ({@code {metadata, spec}}), or null. */
  public static ObjectNode of(JsonNode podTemplate, String namespace) {
    JsonNode spec = podTemplate.path("spec");
    Map<String, BigDecimal> requests = requests(spec);
    ObjectNode claim = Nodes.MAPPER.createObjectNode();
    copyIfSet(spec.path("nodeSelector"), claim, "nodeSelector");
    copyIfSet(
        spec.path("affinity")
            .path("nodeAffinity")
            .path("requiredDuringSchedulingIgnoredDuringExecution"),
        claim,
        "hardNodeAffinity");
    copyIfSet(spec.path("tolerations"), claim, "tolerations");
    if (requests.isEmpty() && claim.isEmpty()) {
      return null;
    }
    ObjectNode out = Nodes.MAPPER.createObjectNode();
    if (!claim.isEmpty()) {
      out.set("nodeClaim", claim);
    }
    if (!requests.isEmpty()) {
      ObjectNode list = out.putObject("resourceRequest");
      requests.forEach((name, amount) -> list.put(name, format(amount)));
    }
    if (namespace != null && !namespace.isEmpty()) {
      out.put("namespace", namespace);
    }
    String priority = spec.path("priorityClassName").asText("");
    if (!priority.isEmpty()) {
      out.put("priorityClassName", priority);
    }
    return out;
  }

  /** Per-replica requests by resource name (exact amounts). */
  public static Map<String, BigDecimal> requests(JsonNode podSpec) {
    Map<String, BigDecimal> sum = new TreeMap<>();
    for (JsonNode c : podSpec.path("containers")) {
      add(sum, c.path("resources").path("requests"));
    }
    for (JsonNode c : podSpec.path("initContainers")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = c.path("resources").path("requests").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Quantity.parse(e.getValue())
            .ifPresent(q -> sum.merge(e.getKey(), q, (a, b) -> a.compareTo(b) >= 0 ? a : b));
      }
    }
    add(sum, podSpec.path("overhead"));
    sum.values().removeIf(v -> v.signum() == 0);
    return sum;
  }

  private static void add(Map<String, BigDecimal> sum, JsonNode list) {
    for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Quantity.parse(e.getValue()).ifPresent(q -> sum.merge(e.getKey(), q, BigDecimal::add));
    }
  }

  private static void copyIfSet(JsonNode value, ObjectNode to, String field) {
    if (value.isContainerNode() && !value.isEmpty()) {
      to.set(field, value.deepCopy());
    }
  }

  /** A canonical quantity string: 2, 500m, 1Gi, 128Mi. */
  public static String format(BigDecimal amount) {
    BigDecimal a = amount.stripTrailingZeros();
    if (a.scale() <= 0) {
      for (Object[] unit : new Object[][] {{GI, "Gi"}, {MI, "Mi"}, {KI, "Ki"}}) {
        BigDecimal[] qr = a.divideAndRemainder((BigDecimal) unit[0]);
        if (qr[1].signum() == 0 && qr[0].signum() != 0) {
          return qr[0].toBigInteger() + (String) unit[1];
        }
      }
      return a.toBigInteger().toString();
    }
    BigDecimal milli = a.movePointRight(3);
    if (milli.stripTrailingZeros().scale() <= 0) {
      return milli.toBigInteger() + "m";
    }
    return a.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING).toBigInteger() + "n";
  }
}
