package dev.flotilla.controller.dependencies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.interpreter.HubInterpreter;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.TemplateCache;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.runtime.TrustedBindings;
import dev.flotilla.policies.dependencies.AttachedBindings;
import dev.flotilla.policies.dependencies.DependentObject;
import dev.flotilla.policies.interpreter.InterpretationException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Karmada's dependencies distributor: a ResourceBinding with {@code propagateDeps: true} takes the
 * ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims its pod template references to
 * its clusters. Each dependency gets an attached ResourceBinding ({@code <name>-<kind>}) whose
 * {@code spec.requiredBy} holds a snapshot of every requirer's clusters; the binding controller
 * sends it to their union. A requirer that stops needing it (or goes) is taken out of the snapshot,
 * so the dependency leaves the clusters no workload there needs it on.
 */
public final class DependenciesDistributor implements Reconciler, AutoCloseable {
  public static final String NAME = "dependencies-distributor";
  private static final int WORKERS = 4;
  private static final List<String> DEPENDENCY_KINDS =
      List.of("ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim");

  private final KubernetesClient hub;
  private final Controller controller;
  private final TemplateCache templates;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;

  /** Dependency informers by kind, started when the first binding asks for dependencies. */
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> dependencies =
      new ConcurrentHashMap<>();

  /** "Kind/namespace/name" of a dependency to the requirer keys that listed it last time. */
  private final Map<String, Set<String>> requirersOf = new ConcurrentHashMap<>();

  private final HubInterpreter interpreter;

  public DependenciesDistributor(
      KubernetesClient hub,
      HubInformers informers,
      TemplateCache templates,
      HubInterpreter interpreter) {
    this.hub = hub;
    this.interpreter = interpreter;
    this.templates = templates;
    this.controller = new Controller(NAME, this, WORKERS);
    this.bindings = informers.inform(Kinds.RESOURCE_BINDING, new BindingHandler());
    informers.whenSynced(controller::start);
  }

  @Override
  public Result reconcile(String key) {
    String namespace = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    GenericKubernetesResource cached = bindings.getIndexer().getByKey(key);
    if (cached == null
        || cached.getMetadata().getDeletionTimestamp() != null
        || !TrustedBindings.trusted(cached)
        || !propagatesDeps(cached)) {
      forgetRequirer(key);
      return releaseAll(namespace, name, Set.of());
    }
    ensureDependencyInformers();
    ObjectNode binding = Trees.tree(cached);
    JsonNode template = template(binding.path("spec").path("resource"));
    if (template == null) {
      return Result.after(Duration.ofSeconds(5)); // the detector's cache is behind, or it is gone
    }
    List<DependentObject> deps;
    try {
      deps = new ArrayList<>();
      for (DependentObject d : interpreter.interpreter().dependencies(template)) {
        // Only the kinds this distributor follows can be carried along.
        if ("v1".equals(d.apiVersion()) && DEPENDENCY_KINDS.contains(d.kind())) {
          deps.add(d);
        }
      }
    } catch (InterpretationException e) {
      // What was attached stays attached until the script works again.
      interpreter.recordFailure(binding, HubInterpreter.DEPENDENCY_FAILED, e);
      return Result.after(Duration.ofSeconds(30));
    }
    recordDependencies(binding, deps);
    Set<String> wanted = new HashSet<>();
    boolean missing = false;
    for (DependentObject dep : deps) {
      String depKey = dep.kind() + "/" + dep.namespace() + "/" + dep.name();
      wanted.add(dep.kind() + "/" + dep.name());
      requirersOf.computeIfAbsent(depKey, k -> ConcurrentHashMap.newKeySet()).add(key);
      GenericKubernetesResource object =
          dependencies.get(dep.kind()).getIndexer().getByKey(dep.namespace() + "/" + dep.name());
      if (object == null) {
        missing = true; // its informer event brings us back when it is created
        continue;
      }
      if (!attach(binding, Trees.tree(object))) {
        return Result.after(Duration.ofSeconds(1));
      }
    }
    Result released = releaseAll(namespace, name, wanted);
    return missing || released != Result.DONE ? Result.after(Duration.ofSeconds(10)) : released;
  }

  private static boolean propagatesDeps(GenericKubernetesResource b) {
    return Trees.tree(b).path("spec").path("propagateDeps").asBoolean(false);
  }

  /** Records this requirer in the dependency's attached binding; false to try again later. */
  private boolean attach(ObjectNode requirer, JsonNode dependency) {
    String ns = Trees.text(requirer, "metadata", "namespace");
    String bindingName =
        dev.flotilla.policies.names.Names.bindingName(
            Trees.text(dependency, "metadata", "name"), Trees.text(dependency, "kind"));
    GenericKubernetesResource existing = bindings.getIndexer().getByKey(ns + "/" + bindingName);
    if (existing != null && existing.getMetadata().getDeletionTimestamp() != null) {
      return false; // the old one goes first (a dependency deleted and made again)
    }
    if (existing == null && requirer.path("spec").path("clusters").isEmpty()) {
      return true; // not scheduled yet: nothing to carry anywhere
    }
    JsonNode existingTree = existing == null ? null : Trees.tree(existing);
    ObjectNode desired = AttachedBindings.withRequirer(existingTree, requirer, dependency);
    var client = hub.genericKubernetesResources(Kinds.RESOURCE_BINDING).inNamespace(ns);
    try {
      if (existing == null) {
        client.resource(Trees.generic(desired)).create();
      } else if (!Trees.same(desired, existingTree)) {
        client.resource(Trees.generic(desired)).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false; // the cache was behind; the next round reads the stored one
      }
      throw e;
    }
  }

  /**
   * Takes {@code namespace/name} out of every attached binding that lists it but whose dependency
   * is not in {@code keep} ("Kind/name").
   */
  private Result releaseAll(String namespace, String name, Set<String> keep) {
    String label = AttachedBindings.dependedByLabel(namespace, name);
    boolean conflict = false;
    for (GenericKubernetesResource b :
        bindings
            .getIndexer()
            .byIndex(
                io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX, namespace)) {
      if (b.getMetadata().getLabels() == null || !b.getMetadata().getLabels().containsKey(label)) {
        continue;
      }
      JsonNode tree = Trees.tree(b);
      JsonNode r = tree.path("spec").path("resource");
      if (keep.contains(r.path("kind").asText() + "/" + r.path("name").asText())) {
        continue;
      }
      ObjectNode released = AttachedBindings.withoutRequirer(tree, namespace, name);
      if (released == null) {
        continue;
      }
      try {
        hub.genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace(namespace)
            .resource(Trees.generic(released))
            .update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        conflict = e.getCode() == 409;
      }
    }
    return conflict ? Result.after(Duration.ofSeconds(1)) : Result.DONE;
  }

  /** The {@code resourcebinding.karmada.io/dependencies} annotation, as Karmada records it. */
  private void recordDependencies(ObjectNode binding, List<DependentObject> deps) {
    String value = AttachedBindings.annotation(deps);
    if (value.equals(
        Trees.text(binding, "metadata", "annotations", AttachedBindings.DEPENDENCIES_ANNOTATION))) {
      return;
    }
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    patch.with("metadata").with("annotations").put(AttachedBindings.DEPENDENCIES_ANNOTATION, value);
    dev.flotilla.controller.runtime.MergePatch.apply(
        hub,
        Kinds.RESOURCE_BINDING,
        Trees.text(binding, "metadata", "namespace"),
        Trees.text(binding, "metadata", "name"),
        null,
        patch.toString());
  }

  private JsonNode template(JsonNode r) {
    String apiVersion = r.path("apiVersion").asText();
    String kind = r.path("kind").asText();
    String ns = Trees.text(r, "namespace");
    String name = r.path("name").asText();
    GenericKubernetesResource cached = templates.get(apiVersion, kind, ns, name);
    if (cached == null) {
      var resources = hub.genericKubernetesResources(apiVersion, kind);
      cached =
          ns == null
              ? resources.withName(name).get()
              : resources.inNamespace(ns).withName(name).get();
    }
    return cached == null ? null : Trees.tree(cached);
  }

  private void forgetRequirer(String key) {
    requirersOf.values().forEach(s -> s.remove(key));
    requirersOf.values().removeIf(Set::isEmpty);
  }

  private synchronized void ensureDependencyInformers() {
    if (!dependencies.isEmpty()) {
      return;
    }
    for (String kind : DEPENDENCY_KINDS) {
      dependencies.put(
          kind,
          hub.genericKubernetesResources("v1", kind)
              .inAnyNamespace()
              .inform(new DependencyHandler(kind)));
    }
  }

  /** Bindings that ask for dependencies now, or did before this change, are looked at. */
  private final class BindingHandler implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource b) {
      if (propagatesDeps(b)) {
        controller.enqueue(key(b));
      }
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
      if ((propagatesDeps(before) || propagatesDeps(after))
          && Changes.beyondStatus(before, after)) {
        controller.enqueue(key(after));
      }
    }

    @Override
    public void onDelete(GenericKubernetesResource b, boolean unknown) {
      if (propagatesDeps(b)) {
        controller.enqueue(key(b));
      }
    }

    private String key(GenericKubernetesResource b) {
      return b.getMetadata().getNamespace() + "/" + b.getMetadata().getName();
    }
  }

  /** A dependency that changes (or appears) brings back the bindings that listed it. */
  private final class DependencyHandler implements ResourceEventHandler<GenericKubernetesResource> {
    private final String kind;

    DependencyHandler(String kind) {
      this.kind = kind;
    }

    @Override
    public void onAdd(GenericKubernetesResource o) {
      touch(o);
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
      if (!java.util.Objects.equals(
          before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
        touch(after);
      }
    }

    @Override
    public void onDelete(GenericKubernetesResource o, boolean unknown) {
      // Its attached binding goes with it (owner reference); nothing to do for the requirers.
    }

    private void touch(GenericKubernetesResource o) {
      Set<String> requirers =
          requirersOf.get(
              kind + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName());
      if (requirers != null) {
        requirers.forEach(controller::enqueue);
      }
    }
  }

  @Override
  public void close() {
    controller.close();
    dependencies.values().forEach(SharedIndexInformer::close);
  }
}
