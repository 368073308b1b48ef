package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The schema steps of every write, run by {@code ResourceStorage}: {@link #decode} as the body is
 * read (unknown and duplicate fields per the fieldValidation directive; for custom resources
 * pruning and defaulting), then, after kind-specific hooks, {@link #validate} (custom resources
 * against their CRD's openAPIV3Schema, 422 Invalid with one cause per field).
 */
public final class SchemaAdmission {
  private final Schemas schemas;
  private final Pruner pruner;
  private final Function<ResourceType, Optional<JsonNode>> crdSchemas;

  /**
   * @param crdSchemas the openAPIV3Schema of a served custom resource version ({@code
   *     CrdController::schema})
   */
  public SchemaAdmission(
      BuiltinCatalogue catalogue, Function<ResourceType, Optional<JsonNode>> crdSchemas) {
    this.schemas = new Schemas(catalogue);
    this.pruner = new Pruner(schemas);
    this.crdSchemas = crdSchemas;
  }

  /**
   * Drops fields the kind's schema does not declare and reports them (with the body's duplicate
   * fields) as {@code ctx} directs: 400 under Strict, warnings under Warn. On updates only fields
   * the old object did not already carry are reported. Custom resources then get their schema
   * defaults.
   *
   * @param old the stored object an update or patch starts from, null on create
   */
  public void decode(ResourceType type, ObjectNode obj, ObjectNode old, WriteContext ctx) {
    decode(type, obj, old, ctx, null);
  }

  /**
   * As {@link #decode(ResourceType, ObjectNode, ObjectNode, WriteContext)}, for a write through
   * {@code subresource} (null for the object itself). A custom resource's status write carries the
   * stored object but for its status (the status split keeps the stored metadata and spec, as
   * kube-apiserver's status strategy resets them), so only the status is pruned, reported and
   * defaulted: the rest was when it was stored.
   */
  public void decode(
      ResourceType type, ObjectNode obj, ObjectNode old, WriteContext ctx, String subresource) {
    if (statusOfCustomResource(type, old, subresource)) {
      decodeStatus(type, obj, old, ctx);
      return;
    }
    List<String> problems = new ArrayList<>(ctx.bodyProblems());
    Optional<JsonNode> schema = schemaOf(type);
    if (schema.isPresent()) {
      boolean structural = !type.builtin();
      List<String> unknown = pruner.prune(obj, schema.get(), structural);
      if (!unknown.isEmpty() && old != null) {
        unknown.removeAll(pruner.prune(old.deepCopy(), schema.get(), structural));
      }
      for (String field : unknown) {
        problems.add("unknown field " + FieldError.quote(field));
      }
      if (structural) {
        Defaulter.apply(obj, schema.get());
        pruner.prune(obj, schema.get(), true);
      }
    }
    report(type, problems, ctx);
    if (type.builtin() && schema.isPresent()) {
      // Before kind hooks and defaulting read the object: they assume its declared types.
      List<FieldError> errors = new ArrayList<>();
      BuiltinTypes.check(schemas, obj, old, schema.get(), errors);
      if (!errors.isEmpty()) {
        throw FieldError.toInvalid(type, Meta.name(obj), errors);
      }
    }
  }

  private static boolean statusOfCustomResource(
      ResourceType type, ObjectNode old, String subresource) {
    return "status".equals(subresource) && old != null && !type.builtin();
  }

  private void decodeStatus(ResourceType type, ObjectNode obj, ObjectNode old, WriteContext ctx) {
    List<String> problems = new ArrayList<>(ctx.bodyProblems());
    Optional<JsonNode> schema = schemaOf(type);
    if (schema.isPresent()) {
      // The root's rules for the one field: pruned as the whole object's walk would prune it.
      ObjectNode part = statusPart(obj);
      List<String> unknown = pruner.prune(part, schema.get(), true);
      if (!unknown.isEmpty()) {
        unknown.removeAll(pruner.prune(statusPart(old).deepCopy(), schema.get(), true));
      }
      for (String field : unknown) {
        problems.add("unknown field " + FieldError.quote(field));
      }
      Defaulter.applyField(part, schema.get(), "status");
      pruner.prune(part, schema.get(), true);
      if (part.has("status")) {
        obj.set("status", part.get("status"));
      } else {
        obj.remove("status");
      }
    }
    report(type, problems, ctx);
  }

  /** An object holding only {@code obj}'s status (the same node, not a copy), if it has one. */
  private static ObjectNode statusPart(ObjectNode obj) {
    ObjectNode part = obj.objectNode();
    JsonNode status = obj.get("status");
    if (status != null) {
      part.set("status", status);
    }
    return part;
  }

  /**
   * 422 Invalid when the object, as it would be stored, breaks its kind's rules: a custom resource
   * its CRD's schema (Karmada's policies and clusters also its webhook's rules, {@link
   * KarmadaPolicyRules}), a built-in kind upstream's validation ({@link BuiltinRules}); labels and
   * annotations for every kind ({@link MetadataRules}).
   */
  public void validate(ResourceType type, ObjectNode obj, ObjectNode old) {
    validate(type, obj, old, null);
  }

  /**
   * As {@link #validate(ResourceType, ObjectNode, ObjectNode)}, for a write through {@code
   * subresource}: a custom resource's status write changes nothing but the status, and ratcheting
   * lets the unchanged rest through, so the schema is checked for the status alone.
   */
  public void validate(ResourceType type, ObjectNode obj, ObjectNode old, String subresource) {
    List<FieldError> errors = new ArrayList<>();
    if (type.builtin()) {
      BuiltinRules.check(type, obj, errors);
      if (!errors.isEmpty() && old != null) {
        // Ratchet: what the stored object already broke (stored before a rule existed) must not
        // block its updates, finalization least of all.
        List<FieldError> before = new ArrayList<>();
        BuiltinRules.check(type, old, before);
        errors.removeAll(before);
      }
    } else {
      boolean statusOnly = statusOfCustomResource(type, old, subresource);
      crdSchemas
          .apply(type)
          .ifPresent(
              s ->
                  errors.addAll(
                      statusOnly
                          ? SchemaValidator.validateField(obj, old, s, "status")
                          : SchemaValidator.validate(obj, old, s)));
      if (errors.isEmpty()) {
        // Karmada's webhook rules read a schema-valid object, as its webhook sees a decoded one.
        KarmadaPolicyRules.check(type, obj, errors);
        if (!errors.isEmpty() && old != null) {
          List<FieldError> before = new ArrayList<>();
          KarmadaPolicyRules.check(type, old, before);
          errors.removeAll(before);
        }
      }
    }
    MetadataRules.check(obj, old, errors);
    if (!errors.isEmpty()) {
      throw FieldError.toInvalid(type, Meta.name(obj), errors);
    }
  }

  /** The schema a kind's objects are decoded with: built-in components or the CRD's. */
  public Optional<JsonNode> schemaOf(ResourceType type) {
    return type.builtin() ? schemas.root(type) : crdSchemas.apply(type);
  }

  private static void report(ResourceType type, List<String> problems, WriteContext ctx) {
    if (problems.isEmpty()) {
      return;
    }
    switch (ctx.directive()) {
      case STRICT -> {
        String message = "strict decoding error: " + String.join(", ", problems);
        if (!ctx.verb().equals("patch")) {
          message =
              type.kind()
                  + " in version "
                  + FieldError.quote(type.version())
                  + " cannot be handled as a "
                  + type.kind()
                  + ": "
                  + message;
        }
        throw ApiException.badRequest(message);
      }
      case WARN -> problems.forEach(ctx::warn);
      default -> {
        // Ignore: dropped silently
      }
    }
  }
}
