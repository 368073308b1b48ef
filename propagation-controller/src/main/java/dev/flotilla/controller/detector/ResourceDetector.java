package dev.flotilla.controller.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.matching.PolicyChoice;
import dev.flotilla.policies.matching.PolicyMatcher;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Karmada's resource detector: matches each resource template to the PropagationPolicy or
 * ClusterPropagationPolicy that should own it, marks the claim on the template, and keeps its
 * ResourceBinding / ClusterResourceBinding in line with the template and the policy.
 */
public final class ResourceDetector implements Reconciler, AutoCloseable {
  public static final String NAME = "resource-detector";

  /** Queue key asking to re-read every policy, used when a selected kind is not served yet. */
  private static final String RETRY_POLICIES = "|retry-policies|";

  private final KubernetesClient hub;
  private final Controller controller;
  private final TemplateInformers templates;
  private final SharedIndexInformer<GenericKubernetesResource> policies;
  private final SharedIndexInformer<GenericKubernetesResource> clusterPolicies;

  public ResourceDetector(KubernetesClient hub) {
    this.hub = hub;
    this.controller = new Controller(NAME, this, 2);
    this.templates = new TemplateInformers(hub, controller);
    this.policies =
        hub.genericKubernetesResources(Kinds.PROPAGATION_POLICY)
            .inAnyNamespace()
            .inform(new PolicyHandler());
    this.clusterPolicies =
        hub.genericKubernetesResources(Kinds.CLUSTER_PROPAGATION_POLICY)
            .inform(new PolicyHandler());
    controller.start();
  }

  @Override
  public Result reconcile(String key) {
    if (key.equals(RETRY_POLICIES)) {
      PolicyHandler handler = new PolicyHandler();
      policies.getStore().list().forEach(handler::touch);
      clusterPolicies.getStore().list().forEach(handler::touch);
      return Result.DONE;
    }
    TemplateRef ref = TemplateRef.parse(key);
    Optional<GenericKubernetesResource> cached = templates.get(ref);
    if (cached.isEmpty()) {
      return Result.DONE; // deleted: the binding goes by garbage collection (owner reference)
    }
    ObjectNode template = Trees.tree(cached.get());
    if (ref.namespace() != null && !!Names.isReservedNamespace(ref.namespace())) {
      return Result.DONE;
    }
    if (template.path("metadata").has("deletionTimestamp")) {
      return Result.DONE;
    }
    List<JsonNode> pps = new ArrayList<>();
    if (ref.namespace() != null) {
      for (GenericKubernetesResource p : policies.getStore().list()) {
        if (ref.namespace().equals(p.getMetadata().getNamespace())
            && p.getMetadata().getDeletionTimestamp() == null) {
          pps.add(Trees.tree(p));
        }
      }
    }
    List<JsonNode> cpps = new ArrayList<>();
    for (GenericKubernetesResource p : clusterPolicies.getStore().list()) {
      if (p.getMetadata().getDeletionTimestamp() == null) {
        cpps.add(Trees.tree(p));
      }
    }
    PolicyChoice choice = PolicyMatcher.choose(template, pps, cpps);
    switch (choice.outcome()) {
      case CLAIMED:
      case MATCHED:
      case PREEMPTED:
        break;
      case CLAIM_STALE:
        if (choice.policy() == null) {
          // The policy is gone: the claim goes, the binding and the member copies stay.
          ClaimMarks.release(hub, ref, template);
          return Result.DONE;
        }
        break;
      default:
        return Result.DONE;
    }
    JsonNode policy = choice.policy();
    boolean clusterPolicy = choice.kind() == PolicyChoice.PolicyKind.CLUSTER_PROPAGATION_POLICY;
    ClaimMarks.claim(hub, ref, template, policy, clusterPolicy);
    syncBinding(ref, template, policy, clusterPolicy);
    return Result.DONE;
  }

  private void syncBinding(
      TemplateRef ref, ObjectNode template, JsonNode policy, boolean clusterPolicy) {
    ResourceDefinitionContext kind =
        ref.namespace() == null ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING;
    String name = Names.bindingName(ref.name(), ref.kind());
    var client =
        ref.namespace() == null
            ? hub.genericKubernetesResources(kind)
            : hub.genericKubernetesResources(kind).inNamespace(ref.namespace());
    GenericKubernetesResource existing = client.withName(name).get();
    JsonNode existingTree = existing == null ? null : Trees.tree(existing);
    ObjectNode desired = DesiredBinding.of(template, policy, clusterPolicy, existingTree);
    if (existing == null) {
      client.resource(Trees.generic(desired)).create();
    } else if (!desired.equals(existingTree)) {
      client.resource(Trees.generic(desired)).update();
    }
  }

  /** Policy events re-examine every template of the kinds the policy selects. */
  private final class PolicyHandler implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource policy) {
      touch(policy);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldPolicy, GenericKubernetesResource policy) {
      touch(oldPolicy);
      touch(policy);
    }

    @Override
    public void onDelete(GenericKubernetesResource policy, boolean unknown) {
      touch(policy);
    }

    private void touch(GenericKubernetesResource policy) {
      JsonNode tree = Trees.tree(policy);
      for (JsonNode selector : tree.path("spec").path("resourceSelectors")) {
        String apiVersion = selector.path("apiVersion").asText();
        String kind = selector.path("kind").asText();
        if (apiVersion.isEmpty()
            || kind.isEmpty()
            || !Templates.isPropagatableKind(apiVersion, kind)) {
          continue;
        }
        if (!templates.ensure(apiVersion, kind)) {
          // The kind is not served yet (its CRD may come later): look again soon.
          controller.enqueueAfter(RETRY_POLICIES, Duration.ofSeconds(2));
          continue;
        }
        for (GenericKubernetesResource t : templates.list(apiVersion, kind)) {
          controller.enqueue(
              new TemplateRef(
                      apiVersion, kind, t.getMetadata().getNamespace(), t.getMetadata().getName())
                  .key());
        }
      }
    }
  }

  @Override
  public void close() {
    policies.close();
    clusterPolicies.close();
    templates.close();
    controller.close();
  }
}
