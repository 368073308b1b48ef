package dev.flotilla.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

  @Test
  void rendersSumsTheWayKubernetesPrintsThem() {
    record Row(String[] inputs, String expected) {}
    Row[] rows = {
      new Row(new String[] {"4", "4"}, "8"),
      new Row(new String[] {"500m", "250m"}, "750m"),
      new Row(new String[] {"500m", "500m"}, "1"),
      new Row(new String[] {"1", "0.5"}, "1500m"),
      new Row(new String[] {"8Gi", "8Gi"}, "16Gi"),
      new Row(new String[] {"1Gi", "512Mi"}, "1536Mi"),
      new Row(new String[] {"1000", "24"}, "1024"),
      new Row(new String[] {"1k"}, "1000"),
    };
    for (Row row : rows) {
      Quantities q = new Quantities();
      for (String in : row.inputs()) {
        q.add("r", in);
      }
      assertEquals(Map.of("r", row.expected()), q.rendered(), String.join("+", row.inputs()));
    }
  }

  @Test
  void maxTakesTheLargerPerResource() {
    Quantities a = new Quantities();
    a.add("cpu", "1");
    a.add("memory", "1Gi");
    Quantities b = new Quantities();
    b.add("cpu", "2");
    b.add("pods", BigDecimal.ONE, false);
    assertEquals(Map.of("cpu", "2", "memory", "1Gi", "pods", "1"), a.max(b).rendered());
  }
}
