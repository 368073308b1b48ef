package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterEvictionTest {

  @ParameterizedTest(name = "tasks {0} -> schedulable {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[]| true",
        "[{fromCluster: member2, producer: x, reason: y}]| true",
        "[{fromCluster: member1, producer: x, reason: y}]| false",
      })
  void filter(String tasks, boolean schedulable) {
    var result =
        new ClusterEviction()
            .filter(
                Yaml.node("{}"),
                Yaml.node("{gracefulEvictionTasks: " + tasks + "}"),
                Yaml.node("{metadata: {name: member1}}"));
    assertEquals(schedulable, result.schedulable());
    assertEquals(schedulable ? "" : "cluster(s) is in the process of eviction", result.message());
  }
}
