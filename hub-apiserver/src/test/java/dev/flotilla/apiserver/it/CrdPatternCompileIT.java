package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CRD whose schema has a {@code pattern} RE2 cannot compile (a lookahead, a backreference) is
 * refused with 422 naming the field and the construct, as upstream refuses what Go's regexp cannot
 * compile; a pattern RE2 accepts is stored.
 */
class CrdPatternCompileIT {
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static CustomResourceDefinition crd(String plural, String pattern) {
    JSONSchemaProps value = new JSONSchemaPropsBuilder().withType("string").build();
    value.setPattern(pattern);
    JSONSchemaProps spec =
        new JSONSchemaPropsBuilder()
            .withType("object")
            .addToProperties(
                "tags",
                new JSONSchemaPropsBuilder()
                    .withType("array")
                    .withNewItems()
                    .withSchema(value)
                    .endItems()
                    .build())
            .build();
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(plural + ".patterns.example.com")
        .endMetadata()
        .withNewSpec()
        .withGroup("patterns.example.com")
        .withScope("Namespaced")
        .withNewNames()
        .withPlural(plural)
        .withKind(plural.substring(0, 1).toUpperCase() + plural.substring(1, plural.length() - 1))
        .endNames()
        .addNewVersion()
        .withName("v1")
        .withServed(true)
        .withStorage(true)
        .withNewSchema()
        .withOpenAPIV3Schema(
            new JSONSchemaPropsBuilder().withType("object").addToProperties("spec", spec).build())
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }

  private static StatusCause refused(String plural, String pattern) {
    KubernetesClientException e =
        fails(
            422,
            () ->
                client
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(crd(plural, pattern))
                    .create());
    List<StatusCause> causes = e.getStatus().getDetails().getCauses();
    assertEquals(1, causes.size(), e.getMessage());
    return causes.get(0);
  }

  @Test
  void lookaheadIsRefusedWithFieldAndConstruct() {
    StatusCause cause = refused("lookaheads", "^(?!admin).*$");
    assertEquals(
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].items.pattern",
        cause.getField());
    assertTrue(
        cause.getMessage().contains("must be a valid regular expression")
            && cause.getMessage().contains("(?!"),
        cause.getMessage());
    assertNull(
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("lookaheads.patterns.example.com")
            .get());
  }

  @Test
  void backreferenceIsRefused() {
    StatusCause cause = refused("backrefs", "^(a)\\1$");
    assertTrue(cause.getMessage().contains("\\1"), cause.getMessage());
  }

  @Test
  void re2PatternIsAcceptedAndCannotBeUpdatedToABadOne() {
    CustomResourceDefinition created =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(crd("goods", "^[a-z]+(-[a-z]+)*$"))
            .create();
    assertEquals("goods.patterns.example.com", created.getMetadata().getName());
    CustomResourceDefinition bad = crd("goods", "^(?<=x)y$");
    bad.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
    fails(
        422, () -> client.apiextensions().v1().customResourceDefinitions().resource(bad).update());
  }
}
