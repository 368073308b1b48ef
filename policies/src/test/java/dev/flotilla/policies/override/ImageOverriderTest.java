package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.Yaml;
import dev.flotilla.policies.matching.Nodes;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageOverriderTest {

  static JsonNode deployment(String... images) {
    StringBuilder containers = new StringBuilder();
    for (int i = 0; i < images.length; i++) {
      containers
          .append(i == 0 ? "" : ", ")
          .append("{name: c")
          .append(i)
          .append(", image: '")
          .append(images[i])
          .append("'}");
    }
    return Yaml.node(
        "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, "
            + "spec: {template: {spec: {containers: ["
            + containers
            + "]}}}}");
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "replace registry",
            "{component: Registry, operator: replace, value: registry.cn}",
            "docker.io/library/nginx:1.0",
            "registry.cn/library/nginx:1.0"),
        Arguments.of(
            "add to registry",
            "{component: Registry, operator: add, value: -mirror}",
            "docker.io/nginx:1.0",
            "docker.io-mirror/nginx:1.0"),
        Arguments.of(
            "remove registry",
            "{component: Registry, operator: remove}",
            "docker.io/nginx:1.0",
            "nginx:1.0"),
        Arguments.of(
            "set a registry where none was",
            "{component: Registry, operator: replace, value: my.io}",
            "nginx",
            "my.io/nginx"),
        Arguments.of(
            "replace repository",
            "{component: Repository, operator: replace, value: team/web}",
            "my.io/nginx:1.0",
            "my.io/team/web:1.0"),
        Arguments.of(
            "add to repository",
            "{component: Repository, operator: add, value: -debug}",
            "nginx:1.0",
            "nginx-debug:1.0"),
        Arguments.of(
            "replace tag",
            "{component: Tag, operator: replace, value: '1.25'}",
            "nginx:1.0",
            "nginx:1.25"),
        Arguments.of(
            "add to tag",
            "{component: Tag, operator: add, value: -alpine}",
            "nginx:1.0",
            "nginx:1.0-alpine"),
        Arguments.of("remove tag", "{component: Tag, operator: remove}", "nginx:1.0", "nginx"),
        Arguments.of(
            "invalid tag leaves the image",
            "{component: Tag, operator: replace, value: 'not a tag'}",
            "nginx:1.0",
            "nginx:1.0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void defaultPaths(String name, String overrider, String image, String expected) {
    JsonNode result = ImageOverrider.apply(deployment(image, image), Yaml.node(overrider));
    assertEquals(expected, Nodes.text(result.at("/spec/template/spec/containers/0"), "image"));
    assertEquals(expected, Nodes.text(result.at("/spec/template/spec/containers/1"), "image"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("kinds")
  void podSpecOfEachKind(String kind, String path) {
    ObjectNode object = Yaml.object("{apiVersion: x/v1, kind: " + kind + ", metadata: {name: o}}");
    ObjectNode podSpec = object;
    for (String step : path.substring(1).split("/")) {
      podSpec = podSpec.putObject(step);
    }
    podSpec.putArray("containers").addObject().put("name", "c").put("image", "nginx:1");
    JsonNode result =
        ImageOverrider.apply(object, Yaml.node("{component: Tag, operator: replace, value: '2'}"));
    assertEquals("nginx:2", result.at(path + "/containers/0/image").asText());
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("Pod", "/spec"),
        Arguments.of("Deployment", "/spec/template/spec"),
        Arguments.of("StatefulSet", "/spec/template/spec"),
        Arguments.of("DaemonSet", "/spec/template/spec"),
        Arguments.of("ReplicaSet", "/spec/template/spec"),
        Arguments.of("Job", "/spec/template/spec"),
        Arguments.of("CronJob", "/spec/jobTemplate/spec/template/spec"));
  }

  @Test
  void predicatePath() {
    JsonNode object =
        Yaml.node(
            "{apiVersion: example.io/v1, kind: Workload, metadata: {name: w}, "
                + "spec: {runtime: {images: [{ref: 'nginx:1'}]}}}");
    JsonNode result =
        ImageOverrider.apply(
            object,
            Yaml.node(
                "{predicate: {path: /spec/runtime/images/0/ref}, component: Registry, operator: replace, value: my.io}"));
    assertEquals("my.io/nginx:1", result.at("/spec/runtime/images/0/ref").asText());
  }

  @Test
  void unknownKindsWithoutPredicateAreLeftAlone() {
    JsonNode object =
        Yaml.node(
            "{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {image: 'nginx:1'}}");
    assertEquals(
        object,
        ImageOverrider.apply(
            object.deepCopy(), Yaml.node("{component: Tag, operator: replace, value: '2'}")));
  }

  @Test
  void badImageOrPathFails() {
    assertThrows(
        OverrideException.class,
        () ->
            ImageOverrider.apply(
                deployment("Not/Valid"),
                Yaml.node("{component: Tag, operator: replace, value: '2'}")));
    assertThrows(
        OverrideException.class,
        () ->
            ImageOverrider.apply(
                deployment("nginx"),
                Yaml.node(
                    "{predicate: {path: /spec/nothing}, component: Tag, operator: replace, value: '2'}")));
  }
}
