package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTest {

  @Test
  void inTreePluginsInOrder() {
    Registry registry = Registry.inTree();
    assertEquals(
        List.of(
            "ClusterAffinity",
            "TaintToleration",
            "APIEnablement",
            "SpreadConstraint",
            "ClusterEviction",
            "ClusterLocality"),
        registry.names());
    assertEquals(5, registry.filters().size());
    assertEquals(
        List.of("ClusterLocality"), registry.scorers().stream().map(Plugin::name).toList());
  }

  @Test
  void withoutDisablesByName() {
    Registry registry = Registry.inTree().without("APIEnablement");
    assertTrue(registry.get("APIEnablement").isEmpty());
    assertTrue(registry.get("TaintToleration").isPresent());
  }
}
