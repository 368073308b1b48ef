package dev.flotilla.sim.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void parsesAndFormatsLikeKubectl() {
    assertEquals(0, new BigDecimal("0.5").compareTo(Quantities.parse("500m")));
    assertEquals(0, new BigDecimal(32L << 30).compareTo(Quantities.parse("32Gi")));
    assertEquals(0, new BigDecimal(1000).compareTo(Quantities.parse("1e3")));
    assertEquals(0, new BigDecimal(2_000_000).compareTo(Quantities.parse("2M")));
    assertEquals("24", Quantities.formatCpu(new BigDecimal(24)));
    assertEquals("1500m", Quantities.formatCpu(new BigDecimal("1.5")));
    assertEquals("96Gi", Quantities.formatBytes(new BigDecimal(96L << 30)));
    assertEquals("1536Mi", Quantities.formatBytes(new BigDecimal(1536L << 20)));
    assertEquals("1000", Quantities.formatBytes(new BigDecimal(1000)));
  }
}
