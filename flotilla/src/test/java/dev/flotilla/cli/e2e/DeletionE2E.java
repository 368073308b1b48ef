package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a template removes its copies from the members; deleting only the policy releases the
 * template's claim but leaves the binding, the Works and the members' copies in place (Karmada).
 */
class DeletionE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void deletingTheTemplateRemovesItFromMembers() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("del-template");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "doomed", "{clusterAffinity: {clusterNames: [member1, member2]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "doomed", List.of("member1", "member2"));

    fleet.hubClient().configMaps().inNamespace(ns).withName("doomed").delete();
    for (String member : List.of("member1", "member2")) {
      Await.until(
          "ConfigMap doomed gone from " + member,
          () -> Propagation.memberConfigMap(fleet, member, ns, "doomed") == null);
      Await.until(
          "Work for doomed gone from karmada-es-" + member,
          () -> fleet.work(member, ns, "ConfigMap", "doomed") == null);
    }
    Await.until("the binding is gone", () -> fleet.binding(ns, "ConfigMap", "doomed") == null);
  }

  @Test
  void deletingThePolicyLeavesMembersTheirCopies() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("del-policy");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "kept", "{clusterAffinity: {clusterNames: [member1, member3]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "kept", List.of("member1", "member3"));
    String uid1 = Propagation.memberConfigMap(fleet, "member1", ns, "kept").getMetadata().getUid();
    String uid3 = Propagation.memberConfigMap(fleet, "member3", ns, "kept").getMetadata().getUid();

    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.PROPAGATION_POLICY)
        .inNamespace(ns)
        .withName("kept")
        .delete();
    Await.until(
        "the template's claim is released",
        () -> {
          ConfigMap t = fleet.hubClient().configMaps().inNamespace(ns).withName("kept").get();
          var a = t.getMetadata().getAnnotations();
          return a == null || !a.containsKey("propagationpolicy.karmada.io/name");
        });
    Await.until(
        "the policy is gone",
        () ->
            fleet
                    .hubClient()
                    .genericKubernetesResources(Kinds.PROPAGATION_POLICY)
                    .inNamespace(ns)
                    .withName("kept")
                    .get()
                == null);
    Await.pause(Duration.ofSeconds(3)); // give a wrongful cleanup the time to show

    JsonNode rb = fleet.binding(ns, "ConfigMap", "kept");
    assertNotNull(rb, "the binding stays");
    assertEquals(List.of("member1", "member3"), Fleet.scheduledClusters(rb));
    for (String member : List.of("member1", "member3")) {
      assertNotNull(
          fleet.work(member, ns, "ConfigMap", "kept"),
          "the Work in karmada-es-" + member + " stays");
      ConfigMap copy = Propagation.memberConfigMap(fleet, member, ns, "kept");
      assertNotNull(copy, member + " keeps its copy");
      assertEquals(
          member.equals("member1") ? uid1 : uid3, copy.getMetadata().getUid(), "not recreated");
    }
  }
}
