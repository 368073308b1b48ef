package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.PodFixtures.pod;
import static dev.flotilla.apiserver.it.PodFixtures.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pod subresources a scheduler and {@code kubectl debug} write need their own RBAC rights, as
 * upstream: a user who may write pods but not {@code pods/binding} or {@code
 * pods/ephemeralcontainers} gets a 403 Status and the pod stays as it was; with those rights the
 * same request works.
 */
class PodSubresourceRbacIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.withRbacUsers();
  private static String ns;
  private static KubernetesClient podsOnly; // ann: pods, no subresources
  private static KubernetesClient withSubresources; // carl: pods/binding, pods/ephemeralcontainers

  @BeforeAll
  static void start() {
    ns = Fabric8Support.newNamespace(RIG.admin(), "subresources");
    grant("ann", "pods");
    grant("carl", "pods", "pods/binding", "pods/ephemeralcontainers");
    podsOnly = RIG.hub().client(RbacUsers.token("ann"));
    withSubresources = RIG.hub().client(RbacUsers.token("carl"));
  }

  @AfterAll
  static void stop() {
    for (KubernetesClient c : new KubernetesClient[] {podsOnly, withSubresources}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void bindingNeedsPodsBinding() throws Exception {
    pod(RIG.admin(), ns, "to-bind", "bound", "Pending", false, null);
    String path = "/api/v1/namespaces/" + ns + "/pods/to-bind/binding";
    String binding =
        "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"to-bind\"},"
            + "\"target\":{\"kind\":\"Node\",\"name\":\"node-1\"}}";
    String before = resourceVersion("to-bind");

    PodFixtures.Raw denied = send(podsOnly, "POST", path, "application/json", binding);
    assertForbidden(denied, "create", "pods/binding");
    assertEquals(before, resourceVersion("to-bind"), "a refused binding changed the pod");
    assertNull(
        RIG.admin().pods().inNamespace(ns).withName("to-bind").get().getSpec().getNodeName());

    PodFixtures.Raw bound = send(withSubresources, "POST", path, "application/json", binding);
    assertEquals(201, bound.code(), bound.body());
    assertEquals(
        "node-1",
        RIG.admin().pods().inNamespace(ns).withName("to-bind").get().getSpec().getNodeName());
  }

  @Test
  void serverSideApplyOnEphemeralContainersNeedsItsRight() throws Exception {
    pod(RIG.admin(), ns, "to-debug", "debugged", "Running", true, null);
    String path =
        "/api/v1/namespaces/" + ns + "/pods/to-debug/ephemeralcontainers?fieldManager=debugger";
    String config =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: to-debug\nspec:\n  ephemeralContainers:\n"
            + "  - name: debug\n    image: busybox\n    targetContainerName: main\n";
    String before = resourceVersion("to-debug");

    PodFixtures.Raw denied = send(podsOnly, "PATCH", path, "application/apply-patch+yaml", config);
    assertForbidden(denied, "patch", "pods/ephemeralcontainers");
    Pod untouched = RIG.admin().pods().inNamespace(ns).withName("to-debug").get();
    assertEquals(before, untouched.getMetadata().getResourceVersion());
    assertTrue(untouched.getSpec().getEphemeralContainers().isEmpty());

    PodFixtures.Raw applied =
        send(withSubresources, "PATCH", path, "application/apply-patch+yaml", config);
    assertEquals(200, applied.code(), applied.body());
    Pod debugged = RIG.admin().pods().inNamespace(ns).withName("to-debug").get();
    assertEquals("debug", debugged.getSpec().getEphemeralContainers().get(0).getName());
  }

  private static void assertForbidden(PodFixtures.Raw reply, String verb, String resource)
      throws Exception {
    assertEquals(403, reply.code(), reply.body());
    JsonNode status = Fabric8Support.JSON.readTree(reply.body());
    assertEquals("Status", status.path("kind").asText(), reply.body());
    assertEquals("Forbidden", status.path("reason").asText(), reply.body());
    String message = status.path("message").asText();
    assertTrue(
        message.contains("User \"ann\" cannot " + verb + " resource \"" + resource + "\""),
        message);
  }

  private static String resourceVersion(String pod) {
    return RIG.admin()
        .pods()
        .inNamespace(ns)
        .withName(pod)
        .get()
        .getMetadata()
        .getResourceVersion();
  }

  /** A Role in the namespace with every verb on {@code resources}, bound to {@code user}. */
  private static void grant(String user, String... resources) {
    RIG.admin()
        .rbac()
        .roles()
        .inNamespace(ns)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(user)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources(List.of(resources))
                        .withVerbs("*")
                        .build())
                .build())
        .create();
    RbacUsers.bind(RIG.admin(), ns, "Role", user, user);
  }
}
