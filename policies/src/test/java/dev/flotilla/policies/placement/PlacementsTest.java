package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import dev.flotilla.policies.placement.Placements.Strategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlacementsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}| DUPLICATED",
        "{replicaScheduling: {replicaSchedulingType: Duplicated}}| DUPLICATED",
        "{replicaScheduling: {}}| STATIC_WEIGHT",
        "{replicaScheduling: {replicaSchedulingType: Divided}}| STATIC_WEIGHT",
        "{replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}}| AGGREGATED",
        "{replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted, weightPreference: {dynamicWeight: AvailableReplicas}}}| DYNAMIC_WEIGHT",
        "{replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted, weightPreference: {staticWeightList: [{targetCluster: {}, weight: 1}]}}}| STATIC_WEIGHT",
      })
  void strategy(String placement, Strategy expected) {
    assertEquals(expected, Placements.strategy(Placements.withDefaults(Yaml.node(placement))));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{spreadConstraints: [{maxGroups: 2}]}| {\"spreadConstraints\":[{\"maxGroups\":2,\"spreadByField\":\"cluster\",\"minGroups\":1}]}",
        "{spreadConstraints: [{spreadByLabel: team, minGroups: 2}]}| {\"spreadConstraints\":[{\"spreadByLabel\":\"team\",\"minGroups\":2}]}",
      })
  void spreadDefaults(String placement, String expected) {
    assertEquals(expected, Placements.withDefaults(Yaml.node(placement)).toString());
  }
}
