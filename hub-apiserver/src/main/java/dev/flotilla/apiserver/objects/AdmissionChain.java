package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.validation.SchemaAdmission;
import dev.flotilla.apiserver.validation.WriteContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * What a write passes before {@link ResourceStorage} stores it, in kube-apiserver's order: schema
 * decoding and defaulting, the kind's {@link ObjectHook}s, schema validation, then validating
 * {@link Admission}. Each step refuses by throwing {@link ApiException}.
 */
final class AdmissionChain {
  private final Map<String, List<ObjectHook>> hooks = new ConcurrentHashMap<>();
  private final List<Admission> admissions = new CopyOnWriteArrayList<>();
  private volatile SchemaAdmission schemaAdmission;
  private volatile BiConsumer<ResourceType, ObjectNode> dryRunView = (t, o) -> {};

  void addHook(String groupResource, ObjectHook hook) {
    hooks.computeIfAbsent(groupResource, k -> new ArrayList<>()).add(hook);
  }

  void addAdmission(Admission admission) {
    admissions.add(admission);
  }

  void setSchemaAdmission(SchemaAdmission admission) {
    this.schemaAdmission = admission;
  }

  void setDryRunView(BiConsumer<ResourceType, ObjectNode> view) {
    this.dryRunView = view;
  }

  /** Adds what dry-run results show beyond the object (the placement preview). */
  void showDryRun(ResourceType type, ObjectNode obj) {
    dryRunView.accept(type, obj);
  }

  /**
   * Decodes, defaults, validates and admits a new object; {@code obj} may be changed. Returns what
   * the store write must wait for ({@link Admission#beforeStore}), or null.
   */
  CompletableFuture<?> create(
      WriteContext ctx,
      ResourceType type,
      String namespace,
      String name,
      ObjectNode obj,
      boolean dryRun) {
    SchemaAdmission schemas = schemaAdmission;
    if (schemas != null) {
      schemas.decode(type, obj, null, ctx);
    }
    for (ObjectHook hook : hooksFor(type)) {
      hook.beforeCreate(type, obj);
    }
    if (schemas != null) {
      schemas.validate(type, obj, null);
    }
    return admit(Admission.Operation.CREATE, ctx, type, namespace, name, null, obj, null, dryRun);
  }

  /**
   * Decodes, defaults and validates an update of {@code current} to {@code desired}; admits it too
   * unless {@code admit} is false (a deletion's marking, already admitted as the DELETE). Returns
   * what the store write must wait for, or null.
   */
  CompletableFuture<?> update(
      WriteContext ctx,
      ResourceType type,
      String namespace,
      String name,
      String subresource,
      ObjectNode desired,
      ObjectNode current,
      boolean dryRun,
      boolean admit) {
    SchemaAdmission schemas = schemaAdmission;
    if (schemas != null) {
      schemas.decode(type, desired, current, ctx, subresource);
    }
    for (ObjectHook hook : hooksFor(type)) {
      hook.beforeUpdate(type, current, desired);
    }
    if (schemas != null) {
      schemas.validate(type, desired, current, subresource);
    }
    if (!admit) {
      return null;
    }
    return admit(
        Admission.Operation.UPDATE,
        ctx,
        type,
        namespace,
        name,
        subresource,
        desired,
        current,
        dryRun);
  }

  /** Admits the deletion of {@code current}. */
  void delete(
      WriteContext ctx,
      ResourceType type,
      String namespace,
      String name,
      ObjectNode current,
      boolean dryRun) {
    admit(Admission.Operation.DELETE, ctx, type, namespace, name, null, null, current, dryRun);
  }

  /** Lets the kind's hooks mark {@code obj} for deletion; true when one keeps it pending. */
  boolean deleteRequested(ResourceType type, ObjectNode obj) {
    boolean pending = false;
    for (ObjectHook hook : hooksFor(type)) {
      pending |= hook.onDeleteRequested(type, obj);
    }
    return pending;
  }

  private List<ObjectHook> hooksFor(ResourceType type) {
    return hooks.getOrDefault(type.groupResource(), List.of());
  }

  private CompletableFuture<?> admit(
      Admission.Operation operation,
      WriteContext ctx,
      ResourceType type,
      String namespace,
      String name,
      String subresource,
      ObjectNode object,
      ObjectNode oldObject,
      boolean dryRun) {
    if (admissions.isEmpty()) {
      return null;
    }
    Admission.Attributes attributes =
        new Admission.Attributes(
            operation,
            ctx.verb(),
            ctx.user(),
            type,
            namespace,
            name,
            subresource,
            object,
            oldObject,
            dryRun);
    for (Admission a : admissions) {
      a.validate(attributes);
    }
    if (dryRun) {
      return null;
    }
    List<CompletableFuture<?>> waits = new ArrayList<>();
    for (Admission a : admissions) {
      CompletableFuture<?> wait = a.beforeStore(attributes);
      if (wait != null) {
        if (operation == Admission.Operation.DELETE) {
          throw new IllegalStateException("beforeStore is for creates and updates, not deletes");
        }
        waits.add(wait);
      }
    }
    return waits.isEmpty()
        ? null
        : CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
  }
}
