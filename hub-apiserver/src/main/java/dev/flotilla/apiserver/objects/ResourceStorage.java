package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.concurrent.RankedWorkers;
import dev.flotilla.apiserver.patch.JsonValues;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.JsonResourceVersion;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.ValueEncoder;
import dev.flotilla.apiserver.validation.ObjectLimits;
import dev.flotilla.apiserver.validation.SchemaAdmission;
import dev.flotilla.apiserver.validation.WriteContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The generic REST semantics of every resource over the {@link Store}: create, read, update with
 * optimistic concurrency, graceful deletion with finalizers, and version conversion. Kind-specific
 * rules plug in as {@link ObjectHook}s. Writes complete asynchronously once durable.
 */
public final class ResourceStorage {
  private static final int MAX_RETRIES = 16;

  private final Store store;
  private final ResourceRegistry registry;
  private final AdmissionChain chain = new AdmissionChain();
  private final ResourceType namespaces;
  private final ActiveNamespaces activeNamespaces = new ActiveNamespaces();

  /**
   * Where the work after a durable write continues (decoding the result, retrying a lost race, the
   * caller's own stages): never the store's writer thread, which would stall every commit behind
   * it.
   */
  private final Executor completions;

  public ResourceStorage(Store store, ResourceRegistry registry, Executor completions) {
    this.store = store;
    this.registry = registry;
    this.completions = completions;
    this.namespaces = registry.find("", "v1", "namespaces").orElseThrow();
  }

  /**
   * Where a write continues once the store answers: the workers, in the lane of the request that
   * made it (a lease renewal's continuation stays urgent though a store thread submits it).
   */
  private Executor completions() {
    return RankedWorkers.keepingRank(completions);
  }

  public Store store() {
    return store;
  }

  public ResourceRegistry registry() {
    return registry;
  }

  /** What the namespace controller's watch feeds, so creates need not read their namespace. */
  public ActiveNamespaces activeNamespaces() {
    return activeNamespaces;
  }

  /** Adds information to dry-run results (the placement preview); it must not write. */
  public void setDryRunView(java.util.function.BiConsumer<ResourceType, ObjectNode> view) {
    chain.setDryRunView(view);
  }

  /**
   * Adds admission for one group-resource, e.g. "namespaces" or
   * "customresourcedefinitions.apiextensions.k8s.io".
   */
  public void addHook(String groupResource, ObjectHook hook) {
    chain.addHook(groupResource, hook);
  }

  /** Adds validating admission that sees who writes (every resource, every write path). */
  public void addAdmission(Admission admission) {
    chain.addAdmission(admission);
  }

  /** Installs schema admission (field validation, CR pruning, defaulting and validation). */
  public void setSchemaAdmission(SchemaAdmission admission) {
    chain.setSchemaAdmission(admission);
  }

  /**
   * {@code write} once {@code admitted} (admission's {@link Admission#beforeStore} work) is done,
   * continuing on a worker without one waiting; at once when there is none.
   */
  private <T> CompletableFuture<T> after(
      CompletableFuture<?> admitted, Supplier<CompletableFuture<T>> write) {
    return admitted == null
        ? write.get()
        : admitted.thenComposeAsync(v -> write.get(), completions());
  }

  // ---- reads ----

  /** The stored key, or 404. */
  public KeyValue getRaw(ResourceType type, String namespace, String name) {
    return store
        .get(StorageKeys.key(type, namespace, name))
        .orElseThrow(() -> ApiException.notFound(type, name));
  }

  public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
    return store.get(StorageKeys.key(type, namespace, name)).map(kv -> toVersion(type, kv.value()));
  }

  public ObjectNode get(ResourceType type, String namespace, String name) {
    return toVersion(type, getRaw(type, namespace, name).value());
  }

  /** Stored bytes as the requested version: only apiVersion differs (conversion None). */
  public ObjectNode toVersion(ResourceType type, byte[] stored) {
    ObjectNode obj = Json.read(stored);
    obj.put("apiVersion", type.apiVersion());
    return obj;
  }

  /** True when stored bytes can be sent as they are to a client of {@code type}. */
  public boolean storedAsIs(ResourceType type) {
    return registry.storageType(type).version().equals(type.version());
  }

  // ---- create ----

  public CompletableFuture<ObjectNode> create(
      ResourceType type, String namespace, ObjectNode obj, boolean dryRun) {
    return create(type, namespace, obj, dryRun, stored -> toVersion(type, stored), o -> o);
  }

  /**
   * As {@link #create}, answering the created object as JSON in the request's version: the stored
   * bytes as they are when that is the storage version, so a create's answer is not parsed and
   * written again.
   */
  public CompletableFuture<byte[]> createJson(
      ResourceType type, String namespace, ObjectNode obj, boolean dryRun) {
    boolean asIs = storedAsIs(type);
    return create(
        type,
        namespace,
        obj,
        dryRun,
        stored -> asIs ? stored : Json.write(toVersion(type, stored)),
        Json::write);
  }

  private <T> CompletableFuture<T> create(
      ResourceType type,
      String namespace,
      ObjectNode obj,
      boolean dryRun,
      Function<byte[], T> fromStored,
      Function<ObjectNode, T> fromDryRun) {
    ObjectRules.checkTypeAndMeta(type, obj, servedVersions(type));
    requireRequestNamespace(type, namespace, obj);
    String name = ObjectRules.assignName(type, obj);
    if (type.namespaced()) {
      requireLiveNamespace(namespace);
    }
    ObjectRules.stampCreate(type, obj, namespace);
    if (type.hasSubresource("status") && !type.builtin()) {
      obj.remove("status");
    }
    CompletableFuture<?> admitted =
        chain.create(WriteContext.current(), type, namespace, name, obj, dryRun);
    ObjectLimits.check(type, name, obj, null);
    if (dryRun) {
      if (store.get(StorageKeys.key(type, namespace, name)).isPresent()) {
        throw ApiException.alreadyExists(type, name);
      }
      chain.showDryRun(type, obj);
      return CompletableFuture.completedFuture(fromDryRun.apply(obj));
    }
    ObjectNode stored = asStorageVersion(type, obj);
    return after(
            admitted,
            () -> store.create(StorageKeys.key(type, namespace, name), encodedNow(stored)))
        .thenApplyAsync(
            result -> {
              if (!result.succeeded()) {
                throw ApiException.alreadyExists(type, name);
              }
              return fromStored.apply(result.kv().value());
            },
            completions());
  }

  /** 400 when the body names a namespace other than the request's. */
  private static void requireRequestNamespace(ResourceType type, String namespace, ObjectNode obj) {
    String bodyNamespace = Meta.namespace(obj);
    if (type.namespaced()
        && bodyNamespace != null
        && !bodyNamespace.isEmpty()
        && !bodyNamespace.equals(namespace)) {
      throw ApiException.badRequest(
          "the namespace of the provided object ("
              + bodyNamespace
              + ") does not match the namespace sent on the request ("
              + namespace
              + ")");
    }
  }

  private void requireLiveNamespace(String namespace) {
    if (activeNamespaces.knownActive(namespace)) {
      return;
    }
    Optional<KeyValue> ns = store.get(StorageKeys.key(namespaces, null, namespace));
    if (ns.isEmpty()) {
      throw ApiException.notFound(namespaces, namespace);
    }
    if (Meta.isDeleting(Json.read(ns.get().value()))) {
      throw new ApiException(
          403,
          "Forbidden",
          "unable to create new content in namespace "
              + namespace
              + " because it is being terminated",
          "",
          "namespaces",
          namespace,
          List.of());
    }
  }

  // ---- update ----

  /**
   * PUT semantics: replaces the object (or only its status), 409 when the body carries a stale
   * resourceVersion. An empty resourceVersion means an unconditional update.
   */
  public CompletableFuture<ObjectNode> update(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode obj,
      boolean statusOnly,
      boolean dryRun) {
    return write(type, namespace, name, obj, statusOnly, dryRun, (live, desired) -> desired)
        .thenApply(Written::tree);
  }

  /**
   * PUT semantics as {@link #update}, {@code track} turning (live, desired) into the object to
   * store (e.g. to record field ownership in metadata.managedFields), answered as the stored
   * object's JSON: the bytes the store wrote when they are it (an object stored in the version it
   * is served in), which a status write of every Work otherwise wrote out a second time for its
   * reply.
   */
  public CompletableFuture<byte[]> updateJson(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode obj,
      boolean statusOnly,
      boolean dryRun,
      BinaryOperator<ObjectNode> track) {
    return write(type, namespace, name, obj, statusOnly, dryRun, track).thenApply(Written::json);
  }

  private CompletableFuture<Written> write(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode obj,
      boolean statusOnly,
      boolean dryRun,
      BinaryOperator<ObjectNode> track) {
    ObjectRules.checkTypeAndMeta(type, obj, servedVersions(type));
    String bodyName = Meta.name(obj);
    if (bodyName != null && !bodyName.equals(name)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    requireRequestNamespace(type, namespace, obj);
    long expected = Meta.resourceVersion(obj);
    return attemptUpdate(
        type,
        namespace,
        name,
        expected,
        dryRun,
        current ->
            track.apply(
                current, ObjectRules.mergeUpdate(type, current, obj.deepCopy(), statusOnly)),
        0,
        WriteContext.current(),
        statusOnly ? "status" : null,
        true);
  }

  /**
   * Reads, transforms and writes with compare-and-swap, retrying on races unless the caller pinned
   * a resourceVersion. {@code mutate} gets a private copy and returns the desired object.
   */
  public CompletableFuture<ObjectNode> guaranteedUpdate(
      ResourceType type,
      String namespace,
      String name,
      long expectedRv,
      boolean dryRun,
      UnaryOperator<ObjectNode> mutate) {
    return attemptUpdate(
            type,
            namespace,
            name,
            expectedRv,
            dryRun,
            mutate,
            0,
            WriteContext.current(),
            null,
            true)
        .thenApply(Written::tree);
  }

  /**
   * An update's outcome: the object, and the bytes the store holds for it when those are its JSON
   * as the client gets it (stored as is), else null.
   */
  private record Written(ObjectNode tree, byte[] bytes) {
    byte[] json() {
      return bytes != null ? bytes : Json.write(tree);
    }
  }

  private CompletableFuture<Written> attemptUpdate(
      ResourceType type,
      String namespace,
      String name,
      long expectedRv,
      boolean dryRun,
      UnaryOperator<ObjectNode> mutate,
      int attempt,
      WriteContext ctx,
      String subresource,
      boolean admit) {
    KeyValue kv = getRaw(type, namespace, name);
    if (expectedRv != 0 && expectedRv != kv.modRevision()) {
      throw ApiException.conflict(type, name);
    }
    ObjectNode current = Json.read(kv.value());
    // An object kept in an older storage version is written even when nothing else changes: a
    // no-op update is how storage migrates (kubectl replace, the storage version migrator).
    boolean inStorageVersion =
        registry.storageType(type).apiVersion().equals(current.path("apiVersion").asText());
    current.put("apiVersion", type.apiVersion());
    ObjectNode desired = mutate.apply(current.deepCopy());
    Meta.metadata(desired).put("resourceVersion", Long.toString(kv.modRevision()));
    CompletableFuture<?> admitted =
        chain.update(ctx, type, namespace, name, subresource, desired, current, dryRun, admit);
    ObjectRules.settleGeneration(current, desired);
    ObjectLimits.check(type, name, desired, current);
    if (dryRun) {
      chain.showDryRun(type, desired);
      return CompletableFuture.completedFuture(new Written(desired, null));
    }
    return after(
        admitted,
        () -> {
          // Nothing new to store, judged by value as Go compares decoded objects: neither
          // Jackson's equals (trees built in code hold longs where parsed ones hold ints) nor the
          // JSON text (a created object's metadata keeps the create's order) would do; either
          // made the first no-op write after a create a write.
          if (inStorageVersion && JsonValues.same(desired, current)) {
            return CompletableFuture.completedFuture(
                new Written(current, storedAsIs(type) ? kv.value() : null));
          }
          if (Meta.isDeleting(desired) && !pendingFinalization(type, desired)) {
            // The last finalizer went: the store deletes, which is no DELETE request to admit.
            return deleteNow(
                    type,
                    namespace,
                    name,
                    kv,
                    desired,
                    WriteContext.internal(),
                    DeleteOptions.DEFAULT)
                .thenApply(gone -> new Written(gone, null));
          }
          // desired is this attempt's own (a retry builds its own): stored as it is when its
          // version is the storage version, and then it is the answer too, not parsed back.
          boolean asIs = storedAsIs(type);
          ObjectNode stored = asIs ? desired : asStorageVersion(type, desired);
          String key = StorageKeys.key(type, namespace, name);
          return store
              .update(key, kv.modRevision(), encodedNow(stored))
              .thenComposeAsync(
                  result -> {
                    if (result.succeeded()) {
                      if (!asIs) {
                        return CompletableFuture.completedFuture(
                            new Written(toVersion(type, result.kv().value()), null));
                      }
                      // The revision the store wrote: a store that learns it only at commit
                      // (etcd) stamps its bytes after encoding, so the tree may still hold 0. The
                      // store's bytes carry it (etcd's stamped after commit): they are the answer's
                      // JSON, not written again.
                      Meta.metadata(stored)
                          .put("resourceVersion", Long.toString(result.kv().modRevision()));
                      return CompletableFuture.completedFuture(
                          new Written(stored, result.kv().value()));
                    }
                    if (result.kv() == null) {
                      throw ApiException.notFound(type, name);
                    }
                    if (expectedRv != 0 || attempt >= MAX_RETRIES) {
                      throw ApiException.conflict(type, name);
                    }
                    return attemptUpdate(
                        type,
                        namespace,
                        name,
                        0,
                        false,
                        mutate,
                        attempt + 1,
                        ctx,
                        subresource,
                        admit);
                  },
                  completions());
        });
  }

  /**
   * PATCH semantics: {@code patch} turns a copy of the current object into the desired one; a
   * resourceVersion left in the result must match (409 otherwise), as kube-apiserver checks.
   */
  public CompletableFuture<ObjectNode> patch(
      ResourceType type,
      String namespace,
      String name,
      UnaryOperator<ObjectNode> patch,
      boolean statusOnly,
      boolean dryRun) {
    return patch(type, namespace, name, patch, statusOnly, dryRun, (live, desired) -> desired);
  }

  /** PATCH semantics as above, {@code track} applied to (live, patched) as for updates. */
  public CompletableFuture<ObjectNode> patch(
      ResourceType type,
      String namespace,
      String name,
      UnaryOperator<ObjectNode> patch,
      boolean statusOnly,
      boolean dryRun,
      BinaryOperator<ObjectNode> track) {
    return attemptUpdate(
            type,
            namespace,
            name,
            0,
            dryRun,
            current -> {
              long currentRv = Meta.resourceVersion(current);
              ObjectNode patched = patch.apply(current.deepCopy());
              long wanted = Meta.resourceVersion(patched);
              if (wanted != 0 && wanted != currentRv) {
                throw ApiException.conflict(type, name);
              }
              ObjectRules.checkTypeAndMeta(type, patched, servedVersions(type));
              checkPatchedName(namespace, name, patched);
              return track.apply(
                  current, ObjectRules.mergeUpdate(type, current, patched, statusOnly));
            },
            0,
            WriteContext.current(),
            statusOnly ? "status" : null,
            true)
        .thenApply(Written::tree);
  }

  /**
   * A patch may not rename or move its object: kube-apiserver's checkName answers 400 when the
   * patched name or namespace differs from the URL's, rather than storing the URL's name over it.
   */
  private static void checkPatchedName(String namespace, String name, ObjectNode patched) {
    String patchedName = Meta.name(patched);
    if (!name.equals(patchedName)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + (patchedName == null ? "" : patchedName)
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    String patchedNs = Meta.namespace(patched);
    if (namespace != null
        && patchedNs != null
        && !patchedNs.isEmpty()
        && !patchedNs.equals(namespace)) {
      throw ApiException.badRequest(
          "the namespace of the object ("
              + patchedNs
              + ") does not match the namespace on the URL ("
              + namespace
              + ")");
    }
  }

  // ---- delete ----

  /**
   * Deletes the object, or marks it with a deletionTimestamp while finalizers remain (adding the
   * orphan or foregroundDeletion finalizer the propagation policy asks for).
   */
  public CompletableFuture<ObjectNode> delete(
      ResourceType type, String namespace, String name, DeleteOptions options) {
    return delete(type, namespace, name, options, WriteContext.current());
  }

  private CompletableFuture<ObjectNode> delete(
      ResourceType type, String namespace, String name, DeleteOptions options, WriteContext ctx) {
    KeyValue kv = getRaw(type, namespace, name);
    ObjectNode current = toVersion(type, kv.value());
    options.checkPreconditions(type, name, current);
    chain.delete(ctx, type, namespace, name, current, options.dryRun());
    String finalizer =
        "Orphan".equals(options.propagationPolicy())
            ? "orphan"
            : "Foreground".equals(options.propagationPolicy()) ? "foregroundDeletion" : null;
    ObjectNode marked = current.deepCopy();
    boolean pending = Meta.hasFinalizers(marked) || finalizer != null;
    pending |= chain.deleteRequested(type, marked);
    if (!pending) {
      if (options.dryRun()) {
        return CompletableFuture.completedFuture(current);
      }
      return deleteNow(type, namespace, name, kv, current, ctx, options);
    }
    // Admitted as a DELETE above; marking it is no separate UPDATE for admission, as upstream.
    return attemptUpdate(
            type,
            namespace,
            name,
            0,
            options.dryRun(),
            next -> {
              chain.deleteRequested(type, next);
              ObjectNode meta = Meta.metadata(next);
              if (!meta.hasNonNull("deletionTimestamp")) {
                meta.put("deletionTimestamp", Meta.now());
                meta.put("deletionGracePeriodSeconds", 0);
              }
              if (finalizer != null) {
                ArrayNode list =
                    Meta.finalizers(next) == null
                        ? meta.putArray("finalizers")
                        : Meta.finalizers(next);
                boolean present = false;
                for (var f : list) {
                  present |= f.asText().equals(finalizer);
                }
                if (!present) {
                  list.add(finalizer);
                }
              }
              return next;
            },
            0,
            ctx,
            null,
            false)
        .thenApply(Written::tree);
  }

  private CompletableFuture<ObjectNode> deleteNow(
      ResourceType type,
      String namespace,
      String name,
      KeyValue kv,
      ObjectNode last,
      WriteContext ctx,
      DeleteOptions options) {
    ObjectNode stored = asStorageVersion(type, last);
    return store
        .delete(StorageKeys.key(type, namespace, name), kv.modRevision(), encodedNow(stored))
        .thenComposeAsync(
            result -> {
              if (result.succeeded()) {
                return CompletableFuture.completedFuture(toVersion(type, result.kv().value()));
              }
              if (result.kv() == null) {
                throw ApiException.notFound(type, name);
              }
              // Changed under us: decide (and admit) again on the new state, with the same
              // preconditions (a delete guarded by a resourceVersion must not take a newer one).
              return delete(type, namespace, name, options, ctx);
            },
            completions());
  }

  private boolean pendingFinalization(ResourceType type, ObjectNode obj) {
    if (Meta.hasFinalizers(obj)) {
      return true;
    }
    return type.group().isEmpty()
        && type.plural().equals("namespaces")
        && obj.path("spec").path("finalizers").size() > 0;
  }

  // ---- helpers ----

  private List<String> servedVersions(ResourceType type) {
    List<String> versions = new ArrayList<>();
    for (ResourceType t : registry.all()) {
      // Compared by parts: groupResource() builds a string, and this runs over every type.
      if (t.plural().equals(type.plural()) && t.group().equals(type.group())) {
        versions.add(t.version());
      }
    }
    return versions;
  }

  private ObjectNode asStorageVersion(ResourceType type, ObjectNode obj) {
    ObjectNode copy = obj.deepCopy();
    copy.put("apiVersion", registry.storageType(type).apiVersion());
    return copy;
  }

  /**
   * The bytes to store: {@code obj} encoded here, at revision 0, with the store's revision put into
   * those bytes when it is known (the object carries its own resourceVersion). The store's writer,
   * one thread for every write on SQLite, then copies bytes instead of writing the whole tree: half
   * of its Java samples in a 100-cluster burst. The tree keeps revision 0; callers answer from the
   * store's bytes or set the revision themselves.
   */
  private static ValueEncoder encodedNow(ObjectNode obj) {
    Meta.metadata(obj).put("resourceVersion", "0");
    byte[] atZero = Json.write(obj);
    return rev -> rev == 0 ? atZero : JsonResourceVersion.at(atZero, rev);
  }

  /** Unwraps the ApiException a failed future carries, for callers that join. */
  public static RuntimeException unwrap(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause instanceof RuntimeException
        ? (RuntimeException) cause
        : new RuntimeException(cause);
  }
}
