package dev.flotilla.controller.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.interpreter.HubInterpreter;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.OwnWrites;
import dev.flotilla.controller.runtime.Precedence;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.TemplateCache;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.interpreter.InterpretationException;
import dev.flotilla.policies.matching.PolicyChoice;
import dev.flotilla.policies.matching.PolicyMatcher;
import dev.flotilla.policies.names.Names;
import dev.flotilla.policies.trust.Provenance;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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

  /**
   * A reconcile is two waits on the hub (the claim, then the binding write): many can overlap. In a
   * 100-cluster burst with 16 workers, templates waited 1.9 s (median) in this queue while each
   * reconcile took 80 ms, so the detector paced the bindings; as many as the scheduler's. With 64,
   * the bindings came no sooner to the scheduler's end: its writes then queued behind the
   * detector's on the hub's workers (bench/README, session 13).
   */
  private static final int WORKERS = 32;

  /** Queue key asking to re-read every policy, used when a selected kind is not served yet. */
  private static final String RETRY_POLICIES = "|retry-policies|";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ResourceDetector.class);

  private final KubernetesClient hub;
  private final Controller controller;
  private final TemplateInformers templates;
  private final SharedIndexInformer<GenericKubernetesResource> policies;
  private final SharedIndexInformer<GenericKubernetesResource> clusterPolicies;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;
  private final OwnWrites written = new OwnWrites();
  private final EventRecorder events;

  private final HubInterpreter interpreter;

  /**
   * Policies as trees, converted once per version: every template's reconcile reads every policy of
   * its namespace, and a restart reconciles every template (30,000 templates x 10 policies were
   * 300,000 conversions).
   */
  private final dev.flotilla.controller.runtime.TreeCache policyTrees =
      new dev.flotilla.controller.runtime.TreeCache();

  public ResourceDetector(
      KubernetesClient hub,
      HubInformers informers,
      HubInterpreter interpreter,
      Precedence precedence) {
    this.hub = hub;
    this.interpreter = interpreter;
    this.controller = new Controller(NAME, this, WORKERS, precedence);
    this.events = new EventRecorder(hub, NAME);
    this.templates = new TemplateInformers(hub, controller);
    this.bindings = informers.inform(Kinds.RESOURCE_BINDING, null);
    this.clusterBindings = informers.inform(Kinds.CLUSTER_RESOURCE_BINDING, null);
    this.policies =
        hub.genericKubernetesResources(Kinds.PROPAGATION_POLICY)
            .inAnyNamespace()
            .inform(new PolicyHandler());
    this.clusterPolicies =
        hub.genericKubernetesResources(Kinds.CLUSTER_PROPAGATION_POLICY)
            .inform(new PolicyHandler());
    // A changed replicaResource script changes the bindings of every template of its kind.
    interpreter.onChange(
        (apiVersion, kind) -> {
          if (templates.ensure(apiVersion, kind)) {
            templates.refs(apiVersion, kind).forEach(t -> controller.enqueue(t.key()));
          }
        });
    informers.whenSynced(controller::start);
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
    // Read before the template: a change seen after this is queued again and kept for that turn.
    String changeSeen = templates.changeSeen(ref);
    Result result = reconcile(ref, changeSeen);
    if (result == Result.DONE) {
      templates.changeSynced(ref, changeSeen);
    }
    return result;
  }

  private Result reconcile(TemplateRef ref, String changeSeen) {
    Optional<GenericKubernetesResource> cached = templates.get(ref);
    if (cached.isEmpty()) {
      return Result.DONE; // deleted: the binding goes by garbage collection (owner reference)
    }
    if (Provenance.isReservedNamespace(ref.namespace())) {
      return Result.DONE; // agents and the control plane write there: nothing is a template
    }
    if (Provenance.isControlPlaneObject(ref.apiVersion(), ref.kind(), ref.name())) {
      return Result.DONE; // the hub's own copy; each member has its own
    }
    ObjectNode template = Trees.tree(cached.get());
    if (template.path("metadata").has("deletionTimestamp")) {
      return Result.DONE;
    }
    List<JsonNode> pps = new ArrayList<>();
    if (ref.namespace() != null) {
      for (GenericKubernetesResource p : policies.getStore().list()) {
        if (ref.namespace().equals(p.getMetadata().getNamespace())
            && p.getMetadata().getDeletionTimestamp() == null
            && refusal(p).isEmpty()) {
          pps.add(policyTrees.tree(p));
        }
      }
    }
    List<JsonNode> cpps = new ArrayList<>();
    for (GenericKubernetesResource p : clusterPolicies.getStore().list()) {
      if (p.getMetadata().getDeletionTimestamp() == null) {
        cpps.add(policyTrees.tree(p));
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
    // The binding records the template version after the claim, so the claim's own watch event
    // finds the binding up to date.
    try {
      JsonNode claimed = ClaimMarks.claim(hub, ref, template, policy, clusterPolicy);
      if (syncBinding(ref, claimed, policy, clusterPolicy, changeSeen)) {
        recordApplied(template, policy, clusterPolicy, "Normal", "ApplyPolicySucceed", "succeed");
      }
      return Result.DONE;
    } catch (BindingGoing e) {
      return Result.after(java.time.Duration.ofSeconds(1));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // a conflict is retried at once; only a failure is worth a word
        recordApplied(
            template,
            policy,
            clusterPolicy,
            "Warning",
            "ApplyPolicyFailed",
            "failed: " + e.getMessage());
      }
      throw e;
    }
  }

  /**
   * Karmada's ApplyPolicySucceed / ApplyPolicyFailed, on the template ("Apply policy(ns/name)
   * succeed") and, naming the template, on the policy.
   */
  private void recordApplied(
      JsonNode template,
      JsonNode policy,
      boolean clusterPolicy,
      String type,
      String reason,
      String outcome) {
    String policyName =
        clusterPolicy
            ? "cluster policy(" + Trees.text(policy, "metadata", "name") + ")"
            : "policy("
                + Trees.text(policy, "metadata", "namespace")
                + "/"
                + Trees.text(policy, "metadata", "name")
                + ")";
    String what =
        Trees.text(template, "kind")
            + " "
            + (Trees.text(template, "metadata", "namespace") == null
                ? ""
                : Trees.text(template, "metadata", "namespace") + "/")
            + Trees.text(template, "metadata", "name");
    events.record(
        EventRecorder.Ref.of(template), type, reason, "Apply " + policyName + " " + outcome);
    events.record(EventRecorder.Ref.of(policy), type, reason, "Apply to " + what + " " + outcome);
  }

  /** The templates this detector caches, for controllers that read them. */
  public TemplateCache templates() {
    return (apiVersion, kind, namespace, name) ->
        templates.get(new TemplateRef(apiVersion, kind, namespace, name)).orElse(null);
  }

  /** The template's old binding is being deleted: the new one waits for it to be gone. */
  private static final class BindingGoing extends RuntimeException {
    BindingGoing() {
      super(null, null, false, false);
    }
  }

  /** Creates or updates the template's binding; true when it wrote (Karmada's operationResult). */
  private boolean syncBinding(
      TemplateRef ref,
      JsonNode template,
      JsonNode policy,
      boolean clusterPolicy,
      String changeSeen) {
    boolean clusterScoped = ref.namespace() == null;
    ResourceDefinitionContext kind =
        clusterScoped ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING;
    String name = Names.bindingName(ref.name(), ref.kind());
    String key = clusterScoped ? name : ref.namespace() + "/" + name;
    var client =
        clusterScoped
            ? hub.genericKubernetesResources(kind)
            : hub.genericKubernetesResources(kind).inNamespace(ref.namespace());
    GenericKubernetesResource cached =
        (clusterScoped ? clusterBindings : bindings).getIndexer().getByKey(key);
    waitIfGoing(key, cached);
    // Our own write stands in for a cache that has not seen it yet, a create too: the claim's echo
    // reconciles the template again at once, and in a burst the binding's create was often not in
    // the cache by then (a second create, a 409 and a GET for a fifth of the templates).
    GenericKubernetesResource existing = written.newest(key, cached);
    if (cached == null && existing != null && !bindsTemplate(existing, template)) {
      // Written for an earlier template of this name (deleted, its binding collected since).
      written.forget(key);
      existing = null;
    }
    if (existing == null) {
      try {
        written.wrote(
            key,
            client
                .resource(Trees.generic(desired(template, policy, clusterPolicy, null)))
                .create());
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = client.withName(name).get(); // created meanwhile; the cache is behind
        if (existing == null) {
          throw e;
        }
        waitIfGoing(key, existing);
      }
    }
    JsonNode existingTree = Trees.tree(existing);
    ObjectNode desired = desired(template, policy, clusterPolicy, existingTree);
    // A change seen needs recording only if the binding records an older version: the binding a
    // claim just created records the claim, and its watch event may be reconciled after a status
    // write (which must not move the binding) has reached the cache.
    boolean changeUnrecorded =
        changeSeen != null
            && olderThan(
                Trees.text(existingTree, "spec", "resource", "resourceVersion"), changeSeen);
    boolean write =
        !Trees.same(desired, existingTree)
            && (changeUnrecorded || !onlyTemplateVersionMoved(desired, existingTree));
    if (write) {
      try {
        written.wrote(key, client.resource(Trees.generic(desired)).update());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404 || e.getCode() == 409) {
          // The copy we worked from is gone or stale (deleted, replaced): the retry reads the
          // cache.
          written.forget(key);
        }
        throw e;
      }
    }
    return write;
  }

  /**
   * The binding of a deleted template on its way out (a delete-and-recreate), whether the cache or
   * a GET shows it: taking it over would be lost with it, so the new template's binding waits for
   * it to be gone.
   */
  private void waitIfGoing(String key, GenericKubernetesResource binding) {
    if (binding != null && binding.getMetadata().getDeletionTimestamp() != null) {
      written.forget(key);
      throw new BindingGoing();
    }
  }

  /** True when {@code binding} is the binding of this very template (its uid), not a namesake's. */
  private static boolean bindsTemplate(GenericKubernetesResource binding, JsonNode template) {
    String uid = Trees.text(template, "metadata", "uid");
    return uid != null && uid.equals(Trees.text(Trees.tree(binding), "spec", "resource", "uid"));
  }

  /**
   * True when the desired binding differs from the existing one only in the template version it
   * records: the template changed since only in status (our own aggregated status), or before this
   * process saw it (the binding controller renders Works from the template it reads, not from that
   * version, so nothing is lost by leaving it).
   */
  /** True unless both are store revisions and {@code recorded} is at least {@code seen}. */
  private static boolean olderThan(String recorded, String seen) {
    try {
      return Long.parseLong(recorded) < Long.parseLong(seen);
    } catch (NumberFormatException | NullPointerException e) {
      return true;
    }
  }

  private static boolean onlyTemplateVersionMoved(ObjectNode desired, JsonNode existing) {
    JsonNode was = existing.path("spec").path("resource");
    if (!was.path("uid").equals(desired.path("spec").path("resource").path("uid"))
        || !was.has("resourceVersion")) {
      return false;
    }
    ObjectNode kept = desired.deepCopy();
    kept.with("spec").with("resource").set("resourceVersion", was.get("resourceVersion"));
    return Trees.same(kept, existing);
  }

  /**
   * The binding with replicas and requirements as the interpreter reads them. A failing
   * replicaResource script leaves the replicas the binding had (none for a new one) and is recorded
   * on the binding once it is stored; the built-in rule does not stand in for it.
   */
  private ObjectNode desired(
      JsonNode template, JsonNode policy, boolean clusterPolicy, JsonNode existing) {
    ObjectNode desired = DesiredBinding.of(template, policy, clusterPolicy, existing);
    try {
      DesiredBinding.interpretReplicas(desired, template, interpreter.interpreter());
    } catch (InterpretationException e) {
      ObjectNode spec = desired.with("spec");
      for (String field : new String[] {"replicas", "replicaRequirements"}) {
        JsonNode old = existing == null ? null : existing.path("spec").get(field);
        if (old == null) {
          spec.remove(field);
        } else {
          spec.set(field, old.deepCopy());
        }
      }
      interpreter.recordFailure(
          existing != null ? existing : desired, HubInterpreter.REPLICA_FAILED, e);
    }
    return desired;
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
      Optional<String> refused = refusal(policy);
      if (refused.isPresent()) {
        LOG.warn(NAME + ": ignored: " + refused.get());
        return;
      }
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
        templates.refs(apiVersion, kind).forEach(t -> controller.enqueue(t.key()));
      }
    }
  }

  /** Why a (namespaced) policy is no instruction to the hub, or empty. */
  private static Optional<String> refusal(GenericKubernetesResource policy) {
    return Provenance.policyRefusal(
        policy.getKind(), policy.getMetadata().getNamespace(), policy.getMetadata().getName());
  }

  @Override
  public void close() {
    policies.close();
    clusterPolicies.close();
    templates.close();
    controller.close();
  }
}
