package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.dependencies.AttachedBindings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code propagateDeps: true}: the ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims
 * a Deployment's pod template references follow it to exactly its clusters through Karmada's
 * attached bindings; a ConfigMap two Deployments share goes to the union of their clusters, follows
 * a placement change and leaves a member once no workload there needs it.
 */
class DependenciesE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  private static final List<String> KINDS =
      List.of("ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim");

  private static String deps(String ns) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: shared-config, namespace: %1$s}
        data: {mode: blue}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: web-secret, namespace: %1$s}
        stringData: {token: s3cr3t}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: web-sa, namespace: %1$s}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: web-data, namespace: %1$s}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: unrelated, namespace: %1$s}
        data: {x: y}
        """
        .formatted(ns);
  }

  private static String web(String ns, String cluster) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: %1$s, labels: {app: web}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              serviceAccountName: web-sa
              containers:
              - name: web
                image: nginx:1.25
                envFrom: [{configMapRef: {name: shared-config}}]
                env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: web-secret, key: token}}}]
              volumes:
              - {name: data, persistentVolumeClaim: {claimName: web-data}}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web, namespace: %1$s}
        spec:
          propagateDeps: true
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          placement: {clusterAffinity: {clusterNames: [%2$s]}}
        """
        .formatted(ns, cluster);
  }

  private static String api(String ns, String cluster) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: %1$s, labels: {app: api}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers: [{name: api, image: nginx:1.25}]
              volumes:
              - name: conf
                projected: {sources: [{configMap: {name: shared-config}}]}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: api, namespace: %1$s}
        spec:
          propagateDeps: true
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: api}]
          placement: {clusterAffinity: {clusterNames: [%2$s]}}
        """
        .formatted(ns, cluster);
  }

  @Test
  void dependenciesFollowTheirWorkloadsAndLeaveWithThem() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("deps");
    fleet.create(deps(ns));
    fleet.create(web(ns, "member1"));

    for (String kind : KINDS) {
      awaitExactlyIn(fleet, ns, kind, name(kind), List.of("member1"));
    }
    JsonNode attached = fleet.binding(ns, "ConfigMap", "shared-config");
    JsonNode snapshot = attached.path("spec").path("requiredBy").get(0);
    assertEquals("web-deployment", snapshot.path("name").asText(), attached.toString());
    assertEquals("member1", snapshot.path("clusters").get(0).path("name").asText());
    assertTrue(
        attached
            .path("metadata")
            .path("labels")
            .has(AttachedBindings.dependedByLabel(ns, "web-deployment")),
        attached.toString());
    JsonNode web = fleet.binding(ns, "Deployment", "web");
    assertTrue(
        web.path("metadata")
            .path("annotations")
            .path(AttachedBindings.DEPENDENCIES_ANNOTATION)
            .asText()
            .contains("shared-config"),
        web.toString());
    assertEquals(null, fleet.binding(ns, "ConfigMap", "unrelated"), "only what is referenced");

    // A second workload sharing the ConfigMap: the union of both workloads' clusters.
    fleet.create(api(ns, "member2"));
    awaitExactlyIn(fleet, ns, "ConfigMap", "shared-config", List.of("member1", "member2"));
    awaitExactlyIn(fleet, ns, "Secret", "web-secret", List.of("member1"));

    // The dependency's own changes reach every copy.
    fleet
        .hubClient()
        .configMaps()
        .inNamespace(ns)
        .withName("shared-config")
        .edit(
            c -> {
              c.setData(Map.of("mode", "green"));
              return c;
            });
    for (String member : List.of("member1", "member2")) {
      Await.until(
          "shared-config updated in " + member,
          () -> {
            var c =
                fleet.member(member).configMaps().inNamespace(ns).withName("shared-config").get();
            return c != null && "green".equals(c.getData().get("mode"));
          });
    }

    // web moves to member3: its dependencies follow, and leave member1.
    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.PROPAGATION_POLICY)
        .inNamespace(ns)
        .withName("web")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member3\"]}}}}");
    awaitExactlyIn(fleet, ns, "ConfigMap", "shared-config", List.of("member2", "member3"));
    for (String kind : List.of("Secret", "ServiceAccount", "PersistentVolumeClaim")) {
      awaitExactlyIn(fleet, ns, kind, name(kind), List.of("member3"));
    }

    // api goes: nothing on member2 needs the ConfigMap any more.
    fleet.hubClient().apps().deployments().inNamespace(ns).withName("api").delete();
    awaitExactlyIn(fleet, ns, "ConfigMap", "shared-config", List.of("member3"));

    // web stops asking for its dependencies: they leave every member.
    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.PROPAGATION_POLICY)
        .inNamespace(ns)
        .withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"propagateDeps\":false}}");
    for (String kind : KINDS) {
      awaitExactlyIn(fleet, ns, kind, name(kind), List.of());
    }
  }

  private static String name(String kind) {
    return switch (kind) {
      case "ConfigMap" -> "shared-config";
      case "Secret" -> "web-secret";
      case "ServiceAccount" -> "web-sa";
      default -> "web-data";
    };
  }

  /** Waits until the object is in exactly {@code members} (a copy and a Work), nowhere else. */
  private static void awaitExactlyIn(
      Fleet fleet, String ns, String kind, String name, List<String> members) {
    Await.until(
        kind + " " + ns + "/" + name + " exactly in " + members,
        () -> {
          List<String> holding = new ArrayList<>();
          for (String member : fleet.memberNames()) {
            boolean copy = memberCopy(fleet.member(member), ns, kind, name) != null;
            boolean work = fleet.work(member, ns, kind, name) != null;
            if (copy != work) {
              return null; // on its way in or out
            }
            if (copy) {
              holding.add(member);
            }
          }
          return holding.equals(members) ? true : null;
        });
  }

  private static HasMetadata memberCopy(
      KubernetesClient member, String ns, String kind, String name) {
    return switch (kind) {
      case "ConfigMap" -> member.configMaps().inNamespace(ns).withName(name).get();
      case "Secret" -> member.secrets().inNamespace(ns).withName(name).get();
      case "ServiceAccount" -> member.serviceAccounts().inNamespace(ns).withName(name).get();
      default -> member.persistentVolumeClaims().inNamespace(ns).withName(name).get();
    };
  }
}
