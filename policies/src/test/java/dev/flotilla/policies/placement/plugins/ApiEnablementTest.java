package dev.flotilla.policies.placement.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.Yaml;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApiEnablementTest {

  private static final String SPEC =
      "resource: {apiVersion: apps/v1, kind: Deployment, name: nginx}";
  private static final String LISTED =
      "apiEnablements: [{groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}]";
  private static final String OTHER =
      "apiEnablements: [{groupVersion: v1, resources: [{name: services, kind: Service}]}]";
  private static final String COMPLETE =
      "conditions: [{type: CompleteAPIEnablements, status: 'True'}]";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("listed API", "{" + LISTED + "}", SPEC, true),
        Arguments.of(
            "unlisted API with complete list is disabled",
            "{" + OTHER + ", " + COMPLETE + "}",
            SPEC,
            false),
        Arguments.of(
            "unlisted API with partial list is unknown, filtered", "{" + OTHER + "}", SPEC, false),
        Arguments.of("no apiEnablements reported yet", "{}", SPEC, false),
        Arguments.of(
            "kind under another group version",
            "{apiEnablements: [{groupVersion: apps/v1beta1, resources: [{name: deployments, kind: Deployment}]}]}",
            SPEC,
            false),
        Arguments.of(
            "already scheduled there",
            "{}",
            SPEC + "\nclusters: [{name: member1, replicas: 1}]",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, String status, String spec, boolean schedulable) {
    var cluster = Yaml.node("{metadata: {name: member1}, status: " + status + "}");
    var result = new ApiEnablement().filter(Yaml.node("{}"), Yaml.node(spec), cluster);
    assertEquals(schedulable, result.schedulable());
    if (!schedulable) {
      assertEquals("cluster(s) did not have the API resource", result.message());
    }
  }
}
