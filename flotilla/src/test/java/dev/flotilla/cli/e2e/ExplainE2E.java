package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events, conditions and {@code flotilla why} as a user meets them: {@code kubectl describe} (1.27
 * and 1.33) of a propagated Deployment on the hub tells Karmada's story (ApplyPolicySucceed,
 * ScheduleBindingSucceed, SyncWorkSucceed, AggregateStatusSucceed), a cluster a filter drops is
 * named with its plugin until it no longer is, and {@code why} explains a propagated, a filtered
 * and an unclaimed template.
 */
class ExplainE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  private static final List<String> STORY =
      List.of(
          "ApplyPolicySucceed",
          "ScheduleBindingSucceed",
          "SyncWorkSucceed",
          "AggregateStatusSucceed");

  private static Path kubeconfig;

  @BeforeAll
  static void writeKubeconfig() {
    kubeconfig = FLEET.fleet().hub().writeKubeconfig(List.of());
  }

  @Test
  void describeDeploymentTellsTheStoryAndWhyShowsItsPath() throws Exception {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("story");
    fleet.create(
        Propagation.deployment(ns, "web", 2)
            + "---\n"
            + policy(ns, "web", "Deployment", "web", "[member1, member2]"));
    JsonNode template =
        Await.until(
            "the Deployment's status aggregated from both members",
            () -> {
              JsonNode d = deployment(fleet, ns, "web");
              return d.path("status").path("readyReplicas").asInt() == 4 ? d : null;
            });
    List<Event> events =
        Await.until(
            "the template's events tell the story",
            () -> {
              List<Event> e = Explain.events(fleet, ns, template);
              return Explain.reasons(e).containsAll(STORY) ? e : null;
            });
    Set<String> seen = new HashSet<>();
    for (Event e : events) {
      assertTrue(
          seen.add(e.getReason()), "one Event per reason (a series): " + Explain.reasons(events));
      assertEquals("Normal", e.getType(), e.getReason() + ": " + e.getMessage());
    }
    JsonNode binding = fleet.binding(ns, "Deployment", "web");
    List<String> onBinding =
        Await.until(
            "the binding's events",
            () -> {
              List<String> r = Explain.reasons(Explain.events(fleet, ns, binding));
              return r.containsAll(STORY.subList(1, 4)) ? r : null;
            });
    assertTrue(onBinding.containsAll(STORY.subList(1, 4)), onBinding.toString());
    JsonNode policy =
        Trees.tree(
            fleet
                .hubClient()
                .genericKubernetesResources("policy.karmada.io/v1alpha1", "PropagationPolicy")
                .inNamespace(ns)
                .withName("web")
                .get());
    // Events are written off the reconcile that records them, so this one may follow the others.
    Await.until(
        "the policy has its ApplyPolicySucceed",
        () ->
            Explain.reasons(Explain.events(fleet, ns, policy)).contains("ApplyPolicySucceed")
                ? true
                : null);

    for (String minor : List.of("27", "33")) {
      Explain.Run describe =
          Explain.kubectl(minor, kubeconfig, "describe", "deploy", "web", "-n", ns);
      assertEquals(0, describe.code(), describe.all());
      for (String reason : STORY) {
        assertTrue(describe.out().contains(reason), "kubectl 1." + minor + ":\n" + describe.out());
      }
      assertTrue(
          describe
              .out()
              .contains("Binding has been scheduled successfully. Result: {member1:2, member2:2}"),
          describe.out());
    }

    Explain.Run why =
        Explain.flotilla("why", "deployment/web", "-n", ns, "--kubeconfig", kubeconfig.toString());
    assertEquals(0, why.code(), why.all());
    String out = why.out();
    assertTrue(out.contains("claimed by PropagationPolicy " + ns + "/web"), out);
    assertTrue(out.matches("(?s).*member1 +selected.*True +Healthy +karmada-es-member1/.*"), out);
    assertTrue(out.matches("(?s).*member2 +selected.*True +Healthy.*"), out);
    assertTrue(out.contains("member3      filtered by ClusterAffinity"), out);
    assertTrue(out.contains("why: cluster(s) did not match the placement cluster affinity"), out);
    assertTrue(out.contains("FullyApplied"), out);
    assertTrue(out.contains("SyncWorkSucceed"), out);

    // A user who may only view the namespace sees what RBAC lets them, and is told what not.
    Explain.Run viewer =
        Explain.flotilla(
            "why",
            "deployment/web",
            "-n",
            ns,
            "--kubeconfig",
            viewerKubeconfig(fleet, ns).toString());
    assertEquals(0, viewer.code(), viewer.all());
    assertTrue(viewer.out().contains("claimed by PropagationPolicy " + ns + "/web"), viewer.out());
    assertTrue(viewer.out().contains("cannot list clusters"), viewer.out());
    assertTrue(viewer.out().contains("cannot read works in karmada-es-member1"), viewer.out());
    assertFalse(viewer.out().contains("karmada-es-member1/"), viewer.out());
  }

  /** A kubeconfig for a ServiceAccount bound to the {@code view} ClusterRole in {@code ns}. */
  static Path viewerKubeconfig(Fleet fleet, String ns) throws Exception {
    fleet.create(
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: viewer, namespace: %1$s}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: viewer, namespace: %1$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: viewer, namespace: %1$s}]
        """
            .formatted(ns));
    String token =
        fleet
            .hubClient()
            .serviceAccounts()
            .inNamespace(ns)
            .withName("viewer")
            .tokenRequest(
                new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    String ca =
        java.util.Base64.getEncoder()
            .encodeToString(Files.readAllBytes(fleet.hub().certificateAuthority().caCertPath()));
    return write(
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: hub, cluster: {server: "%1$s", certificate-authority-data: %2$s}}]
        users: [{name: viewer, user: {token: "%3$s"}}]
        contexts: [{name: viewer, context: {cluster: hub, user: viewer, namespace: %4$s}}]
        current-context: viewer
        """
            .formatted(fleet.hub().url(), ca, token, ns));
  }

  @Test
  void aFilteredClusterIsNamedWithItsPluginUntilItHasTheApi() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("filtered");
    fleet.create(GADGET_CRD);
    for (String member : List.of("member1", "member2")) {
      fleet.member(member).load(new java.io.ByteArrayInputStream(GADGET_CRD.getBytes())).create();
    }
    for (String member : List.of("member1", "member2")) {
      Await.until(
          member + " reports the Gadget API",
          () ->
              fleet
                      .cluster(member)
                      .path("status")
                      .path("apiEnablements")
                      .toString()
                      .contains("Gadget")
                  ? true
                  : null);
    }
    fleet.create(
        gadget(ns, "partial")
            + "---\n"
            + policy(ns, "partial", "Gadget", "partial", "[member1, member3]")
            + "---\n"
            + gadget(ns, "stranded")
            + "---\n"
            + policy(ns, "stranded", "Gadget", "stranded", "[member3]"));
    JsonNode partial =
        Await.until(
            "the Scheduled condition names member3 and the APIEnablement plugin",
            () -> {
              JsonNode rb = fleet.binding(ns, "Gadget", "partial");
              JsonNode c = rb == null ? null : Fleet.condition(rb, "Scheduled");
              return c != null
                      && c.path("message")
                          .asText()
                          .contains(
                              "member3 (APIEnablement: cluster(s) did not have the API resource)")
                  ? rb
                  : null;
            });
    assertEquals("True", Fleet.conditionStatus(partial, "Scheduled"), partial.toString());
    JsonNode partialTemplate = gadgetTree(fleet, ns, "partial");
    for (JsonNode about : List.of(partial, partialTemplate)) {
      Event warning =
          Await.until(
              "a Warning naming member3 and APIEnablement on " + Trees.text(about, "kind"),
              () ->
                  Explain.events(fleet, ns, about).stream()
                      .filter(e -> e.getReason().equals("ScheduleBindingFilteredClusters"))
                      .findFirst()
                      .orElse(null));
      assertEquals("Warning", warning.getType());
      assertTrue(warning.getMessage().contains("member3 (APIEnablement"), warning.getMessage());
    }
    JsonNode strandedTemplate = gadgetTree(fleet, ns, "stranded");
    Event failed =
        Await.until(
            "ScheduleBindingFailed on the template only member3 could take",
            () ->
                Explain.events(fleet, ns, strandedTemplate).stream()
                    .filter(e -> e.getReason().equals("ScheduleBindingFailed"))
                    .findFirst()
                    .orElse(null));
    assertTrue(failed.getMessage().contains("did not have the API resource"), failed.getMessage());
    Explain.Run describe =
        Explain.kubectl(
            "33", kubeconfig, "describe", "gadgets.explain.e2e.flotilla.dev", "partial", "-n", ns);
    assertTrue(describe.out().contains("ScheduleBindingFilteredClusters"), describe.all());

    Explain.Run why =
        Explain.flotilla("why", "gadget/partial", "-n", ns, "--kubeconfig", kubeconfig.toString());
    assertEquals(0, why.code(), why.all());
    assertTrue(
        why.out().contains("member3      filtered by APIEnablement")
            && why.out().contains("why: cluster(s) did not have the API resource"),
        why.out());

    // member3 gains the API: the warnings no longer hold, and are no longer listed.
    fleet.member("member3").load(new java.io.ByteArrayInputStream(GADGET_CRD.getBytes())).create();
    Await.until(
        "the filtered warning is gone once member3 has the API",
        () -> {
          JsonNode rb = fleet.binding(ns, "Gadget", "partial");
          boolean cleared =
              Fleet.scheduledClusters(rb).equals(List.of("member1", "member3"))
                  && !Fleet.condition(rb, "Scheduled")
                      .path("message")
                      .asText()
                      .contains("filtered out");
          List<String> reasons = Explain.reasons(Explain.events(fleet, ns, partialTemplate));
          return cleared && !reasons.contains("ScheduleBindingFilteredClusters") ? true : null;
        });
    Await.until(
        "ScheduleBindingSucceed replaces ScheduleBindingFailed",
        () -> {
          List<String> reasons = Explain.reasons(Explain.events(fleet, ns, strandedTemplate));
          return reasons.contains("ScheduleBindingSucceed")
                  && !reasons.contains("ScheduleBindingFailed")
              ? true
              : null;
        });
    for (String minor : List.of("27", "33")) {
      Explain.Run after =
          Explain.kubectl(
              minor,
              kubeconfig,
              "describe",
              "gadgets.explain.e2e.flotilla.dev",
              "stranded",
              "-n",
              ns);
      assertEquals(0, after.code(), after.all());
      assertFalse(after.out().contains("ScheduleBindingFailed"), after.out());
      assertTrue(after.out().contains("ScheduleBindingSucceed"), after.out());
    }
  }

  @Test
  void whyExplainsAnUnclaimedTemplateAndThePolicyThatLost() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("unclaimed");
    fleet.create(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: lonely, namespace: %1$s}
        data: {a: b}
        """
            .formatted(ns));
    Explain.Run why =
        Explain.flotilla("why", "cm/lonely", "-n", ns, "--kubeconfig", kubeconfig.toString());
    assertEquals(0, why.code(), why.all());
    assertTrue(why.out().contains("none claims it"), why.out());
    assertTrue(why.out().contains("Binding: none"), why.out());

    String other = fleet.newNamespace("contested");
    fleet.create(
        Propagation.configMapWithPolicy(
                other, "named", "{clusterAffinity: {clusterNames: [member1]}}")
            + """
            ---
            apiVersion: policy.karmada.io/v1alpha1
            kind: PropagationPolicy
            metadata: {name: all-configmaps, namespace: %1$s}
            spec:
              resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]
              placement: {clusterAffinity: {clusterNames: [member2]}}
            """
                .formatted(other));
    Propagation.awaitConfigMapExactlyIn(fleet, other, "named", List.of("member1"));
    Explain.Run contested =
        Explain.flotilla(
            "why", "configmap/named", "-n", other, "--kubeconfig", kubeconfig.toString());
    assertTrue(
        contested.out().contains("claimed by PropagationPolicy " + other + "/named"),
        contested.out());
    assertTrue(
        contested
            .out()
            .contains("also selects it, lost: PropagationPolicy " + other + "/all-configmaps"),
        contested.out());

    Explain.Run missing =
        Explain.flotilla("why", "deployment/nope", "-n", ns, "--kubeconfig", kubeconfig.toString());
    assertEquals(1, missing.code(), missing.all());
    assertTrue(missing.out().contains("not found"), missing.out());
    Explain.Run badKind =
        Explain.flotilla("why", "gizmo/x", "-n", ns, "--kubeconfig", kubeconfig.toString());
    assertEquals(1, badKind.code(), badKind.all());
    assertTrue(badKind.err().contains("no resource type \"gizmo\""), badKind.err());
  }

  @Test
  void previewAnswersForAnUnchangedPolicyNamesTheClaimantAndFlagsUnknownClusters()
      throws Exception {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("preview");
    String policyYaml = policy(ns, "web", "Deployment", "web", "[member1, member2]");
    fleet.create(Propagation.deployment(ns, "web", 1) + "---\n" + policyYaml);
    Await.until(
        "the Deployment claimed and scheduled",
        () -> {
          JsonNode rb = fleet.binding(ns, "Deployment", "web");
          return rb != null && "True".equals(Fleet.conditionStatus(rb, "Scheduled")) ? rb : null;
        });
    Path file = write(policyYaml);

    // The stored policy, unchanged: flotilla preview always asks the hub.
    Explain.Run preview =
        Explain.flotilla("preview", "-f", file.toString(), "--kubeconfig", kubeconfig.toString());
    assertEquals(0, preview.code(), preview.all());
    assertTrue(
        preview.out().contains("Deployment " + ns + "/web -> member1 (1), member2 (1)"),
        preview.out());
    assertTrue(preview.out().contains("member3: filtered by ClusterAffinity"), preview.out());
    // So does kubectl's server-side apply, which always sends the request.
    Explain.Run ssa =
        Explain.kubectl(
            "33",
            kubeconfig,
            "apply",
            "--server-side",
            "--dry-run=server",
            "-o",
            "yaml",
            "-f",
            file.toString());
    assertEquals(0, ssa.code(), ssa.all());
    assertTrue(ssa.out().contains("placementPreview"), ssa.out());

    // Another policy selecting the same template, naming a cluster that does not exist.
    Path grab =
        write(
            """
            apiVersion: policy.karmada.io/v1alpha1
            kind: PropagationPolicy
            metadata: {name: grab, namespace: %1$s}
            spec:
              resourceSelectors: [{apiVersion: apps/v1, kind: Deployment}]
              placement: {clusterAffinity: {clusterNames: [member1, member9]}}
            """
                .formatted(ns));
    Explain.Run grabbed =
        Explain.flotilla("preview", "-f", grab.toString(), "--kubeconfig", kubeconfig.toString());
    assertEquals(0, grabbed.code(), grabbed.all());
    assertTrue(
        grabbed
            .out()
            .contains(
                "selects Deployment "
                    + ns
                    + "/web but does not get it: PropagationPolicy "
                    + ns
                    + "/web governs it"),
        grabbed.out());
    assertTrue(grabbed.out().contains("WARNING: no Cluster is named member9"), grabbed.out());
    Explain.Run kubectlWarns =
        Explain.kubectl("27", kubeconfig, "apply", "--dry-run=server", "-f", grab.toString());
    assertEquals(0, kubectlWarns.code(), kubectlWarns.all());
    assertTrue(
        kubectlWarns.err().contains("cluster(s) that do not exist: member9"), kubectlWarns.all());
    assertTrue(
        fleet
                .hubClient()
                .genericKubernetesResources("policy.karmada.io/v1alpha1", "PropagationPolicy")
                .inNamespace(ns)
                .withName("grab")
                .get()
            == null,
        "a preview stores nothing");
  }

  @Test
  void aSuspendedBindingSaysSoAndWhenItResumes() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("suspended");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns,
            "held",
            "{clusterAffinity: {clusterNames: [member1]}}",
            "  suspension: {dispatching: true}\n"));
    JsonNode suspended =
        Await.until(
            "the binding's Suspended condition",
            () -> {
              JsonNode rb = fleet.binding(ns, "ConfigMap", "held");
              return rb != null && "True".equals(Fleet.conditionStatus(rb, "Suspended"))
                  ? rb
                  : null;
            });
    assertTrue(
        Fleet.condition(suspended, "Suspended")
            .path("message")
            .asText()
            .contains("suspension.dispatching"),
        suspended.toString());
    Explain.Run why =
        Explain.flotilla("why", "configmap/held", "-n", ns, "--kubeconfig", kubeconfig.toString());
    assertTrue(why.out().matches("(?s).*Suspended +True +DispatchingSuspended.*"), why.out());
    fleet
        .hubClient()
        .genericKubernetesResources("policy.karmada.io/v1alpha1", "PropagationPolicy")
        .inNamespace(ns)
        .withName("held")
        .edit(
            p -> {
              p.getAdditionalProperties().put("spec", withoutSuspension(p));
              return p;
            });
    Await.until(
        "Suspended turns False once dispatching resumes",
        () -> {
          JsonNode rb = fleet.binding(ns, "ConfigMap", "held");
          return "False".equals(Fleet.conditionStatus(rb, "Suspended")) ? rb : null;
        });
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "held", List.of("member1"));
  }

  @SuppressWarnings("unchecked")
  private static Object withoutSuspension(
      io.fabric8.kubernetes.api.model.GenericKubernetesResource p) {
    java.util.Map<String, Object> spec =
        new java.util.LinkedHashMap<>(
            (java.util.Map<String, Object>) p.getAdditionalProperties().get("spec"));
    spec.remove("suspension");
    return spec;
  }

  static String policy(String ns, String name, String kind, String target, String clusters) {
    String apiVersion =
        switch (kind) {
          case "Deployment" -> "apps/v1";
          case "Gadget" -> "explain.e2e.flotilla.dev/v1";
          default -> "v1";
        };
    return """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          resourceSelectors: [{apiVersion: %3$s, kind: %4$s, name: %5$s}]
          placement: {clusterAffinity: {clusterNames: %6$s}}
        """
        .formatted(name, ns, apiVersion, kind, target, clusters);
  }

  static final String GADGET_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: gadgets.explain.e2e.flotilla.dev}
      spec:
        group: explain.e2e.flotilla.dev
        scope: Namespaced
        names: {plural: gadgets, singular: gadget, kind: Gadget}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              x-kubernetes-preserve-unknown-fields: true
      """;

  static String gadget(String ns, String name) {
    return """
        apiVersion: explain.e2e.flotilla.dev/v1
        kind: Gadget
        metadata: {name: %1$s, namespace: %2$s}
        spec: {size: 1}
        """
        .formatted(name, ns);
  }

  static JsonNode gadgetTree(Fleet fleet, String ns, String name) {
    return Trees.tree(
        fleet
            .hubClient()
            .genericKubernetesResources("explain.e2e.flotilla.dev/v1", "Gadget")
            .inNamespace(ns)
            .withName(name)
            .get());
  }

  static JsonNode deployment(Fleet fleet, String ns, String name) {
    return Trees.tree(fleet.hubClient().apps().deployments().inNamespace(ns).withName(name).get());
  }

  static Path write(String yaml) throws java.io.IOException {
    Path f = Files.createTempFile("explain", ".yaml");
    Files.writeString(f, yaml);
    return f;
  }
}
