package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterLocalityTest {

  @ParameterizedTest(name = "clusters {0} -> score {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[]| 0",
        "[{name: member2, replicas: 1}]| 0",
        "[{name: member1, replicas: 1}]| 100",
      })
  void score(String clusters, long score) {
    assertEquals(
        score,
        new ClusterLocality()
            .score(
                Yaml.node("{}"),
                Yaml.node("{clusters: " + clusters + "}"),
                Yaml.node("{metadata: {name: member1}}")));
  }
}
