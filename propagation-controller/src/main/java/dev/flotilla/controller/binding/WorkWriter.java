package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Keys;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Precedence;
import dev.flotilla.controller.runtime.TemplateCache;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import dev.flotilla.workqueue.Pools;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/** The apply step for Works: create what is missing, update what differs, delete the rest. */
final class WorkWriter {
  private WorkWriter() {}

  /**
   * The binding's template, or null when it is gone: from the detector's cache when that holds the
   * version the binding was made from (or a newer one), else read from the hub.
   */
  static JsonNode template(KubernetesClient hub, TemplateCache cache, JsonNode binding) {
    JsonNode r = binding.path("spec").path("resource");
    GenericKubernetesResource cached =
        cache.get(
            r.path("apiVersion").asText(),
            r.path("kind").asText(),
            Trees.text(r, "namespace"),
            r.path("name").asText());
    if (cached != null && !olderThan(cached, Trees.text(r, "resourceVersion"))) {
      return Trees.tree(cached);
    }
    var resources =
        hub.genericKubernetesResources(r.path("apiVersion").asText(), r.path("kind").asText());
    String ns = Trees.text(r, "namespace");
    GenericKubernetesResource t =
        ns == null
            ? resources.withName(r.path("name").asText()).get()
            : resources.inNamespace(ns).withName(r.path("name").asText()).get();
    return t == null ? null : Trees.tree(t);
  }

  private static boolean olderThan(GenericKubernetesResource cached, String resourceVersion) {
    if (resourceVersion == null) {
      return false;
    }
    try {
      return Long.parseLong(cached.getMetadata().getResourceVersion())
          < Long.parseLong(resourceVersion);
    } catch (NumberFormatException | NullPointerException e) {
      return !resourceVersion.equals(cached.getMetadata().getResourceVersion());
    }
  }

  /**
   * Works for many clusters are written concurrently: one binding can fan out to 100 clusters. 64
   * ({@code -Dflotilla.workWriters}): in a 100-cluster burst on 2 cores, 32 writers left the cores
   * idle a sixth of the time, each waiting out its Work's round trip (bench/README.md, session 14).
   */
  private static final ExecutorService WRITERS =
      Pools.workers("work-writer", Integer.getInteger("flotilla.workWriters", 64), 60);

  /**
   * Writes what differs from the digests of the current Works; returns true when any Work was
   * created, updated or deleted. A Work whose digest differs is read from the hub before it is
   * updated (the digest holds no Work) and left alone if the Work read no longer differs. {@code
   * created} learns of each Work created (as the hub stored it) and deleted.
   */
  static boolean sync(
      KubernetesClient hub,
      Precedence precedence,
      Map<String, ObjectNode> desired,
      List<WorkDigest> current,
      CreatedWorks created) {
    Map<String, WorkDigest> byNamespace = new HashMap<>();
    for (WorkDigest w : current) {
      byNamespace.put(w.namespace(), w);
    }
    List<CompletableFuture<Boolean>> writes = new ArrayList<>();
    for (ObjectNode work : desired.values()) {
      WorkDigest existing = byNamespace.remove(Trees.text(work, "metadata", "namespace"));
      if (existing == null || existing.differsFrom(work)) {
        writes.add(
            CompletableFuture.supplyAsync(
                () -> inTurn(precedence, () -> write(hub, work, existing, created)), WRITERS));
      }
    }
    for (WorkDigest stale : byNamespace.values()) {
      writes.add(
          CompletableFuture.supplyAsync(
              () -> inTurn(precedence, () -> delete(hub, stale, created)), WRITERS));
    }
    try {
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
    }
    return writes.stream().anyMatch(CompletableFuture::join);
  }

  private static boolean inTurn(Precedence precedence, Supplier<Boolean> write) {
    precedence.enterFanOut();
    try {
      return write.get();
    } finally {
      precedence.exitFanOut();
    }
  }

  /** Creates or updates one Work; returns false when the Work read from the hub was already so. */
  private static boolean write(
      KubernetesClient hub, ObjectNode work, WorkDigest existing, CreatedWorks created) {
    String ns = Trees.text(work, "metadata", "namespace");
    var works = hub.genericKubernetesResources(Kinds.WORK).inNamespace(ns);
    GenericKubernetesResource current =
        existing == null ? null : works.withName(existing.name()).get();
    if (current == null) {
      try {
        GenericKubernetesResource made =
            works.resource(Trees.generic(withExecutionFinalizer(work))).create();
        created.created(WorkDigest.of(Keys.of(made), made));
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        current = works.withName(Trees.text(work, "metadata", "name")).get();
        if (current == null) {
          throw e; // created and deleted meanwhile: the reconcile is retried
        }
      }
    }
    if (!differs(Trees.tree(current), work)) {
      return false; // the digest was behind the hub; the Work's event is on its way
    }
    // The update carries the resourceVersion read: a change since then is a conflict, retried.
    works.resource(merge(current, work)).update();
    return true;
  }

  /**
   * A new Work carries the execution controller's finalizer from the start, as Karmada's binding
   * controller creates it: deletion always waits for the member to be pruned, and the agent does
   * not spend a write adding it.
   */
  static ObjectNode withExecutionFinalizer(ObjectNode work) {
    ObjectNode copy = work.deepCopy();
    var finalizers = copy.with("metadata").withArray("finalizers");
    for (JsonNode f : finalizers) {
      if (Names.EXECUTION_CONTROLLER_FINALIZER.equals(f.asText())) {
        return copy;
      }
    }
    finalizers.add(Names.EXECUTION_CONTROLLER_FINALIZER);
    return copy;
  }

  private static boolean delete(KubernetesClient hub, WorkDigest stale, CreatedWorks created) {
    try {
      hub.genericKubernetesResources(Kinds.WORK)
          .inNamespace(stale.namespace())
          .withName(stale.name())
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e; // still there: a retry must see it
      }
    }
    created.deleted(stale);
    return true;
  }

  private static boolean differs(JsonNode existing, ObjectNode desired) {
    return !Trees.same(existing.path("spec"), desired.path("spec"))
        || !contains(
            existing.path("metadata").path("labels"), desired.path("metadata").path("labels"))
        || !contains(
            existing.path("metadata").path("annotations"),
            desired.path("metadata").path("annotations"));
  }

  private static boolean contains(JsonNode have, JsonNode want) {
    var fields = want.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!Trees.same(e.getValue(), have.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The existing Work with our spec, labels and annotations; status and finalizers are kept. */
  private static GenericKubernetesResource merge(
      GenericKubernetesResource existing, ObjectNode desired) {
    ObjectNode tree = Trees.tree(existing);
    tree.set("spec", desired.get("spec"));
    ObjectNode meta = tree.with("metadata");
    meta.with("labels").setAll((ObjectNode) desired.path("metadata").path("labels"));
    meta.with("annotations").setAll((ObjectNode) desired.path("metadata").path("annotations"));
    return Trees.generic(tree);
  }
}
