package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.validation.ObjectMetaValidation;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the server decides on every create and update, whatever the kind: system metadata,
 * generation, the status split, and the checks that keep clients from rewriting identity.
 */
final class ObjectRules {
  /** Kinds whose names must be DNS labels rather than subdomains. */
  private static final Set<String> LABEL_NAMED = Set.of("namespaces", "services");

  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ObjectRules() {}

  /**
   * The first check of every create, update and patch result: apiVersion and kind against the URL's
   * type (filled when absent), and metadata type-checked as an ObjectMeta (422 otherwise), before
   * anything reads metadata.
   */
  static void checkTypeAndMeta(ResourceType type, ObjectNode obj, List<String> servedVersions) {
    String kind = obj.path("kind").asText("");
    String apiVersion = obj.path("apiVersion").asText("");
    if (!kind.isEmpty() && !kind.equals(type.kind())) {
      throw ApiException.badRequest(
          "the kind in the body ("
              + kind
              + ") does not match the"
              + " resource in the URL ("
              + type.plural()
              + ", kind "
              + type.kind()
              + ")");
    }
    if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
      String group =
          apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
      if (!group.equals(type.group()) || !servedVersions.contains(version)) {
        throw ApiException.badRequest(
            "the API version in the data ("
                + apiVersion
                + ") does not match the expected API version ("
                + type.apiVersion()
                + ")");
      }
    }
    obj.put("kind", type.kind());
    obj.put("apiVersion", type.apiVersion());
    ObjectMetaValidation.require(type, obj);
  }

  /** Resolves and validates the name of a new object (generateName included). */
  static String assignName(ResourceType type, ObjectNode obj) {
    ObjectNode meta = Meta.metadata(obj);
    String name = Meta.name(obj);
    if ((name == null || name.isEmpty()) && meta.hasNonNull("generateName")) {
      String base = meta.get("generateName").asText();
      StringBuilder sb = new StringBuilder(base.length() > 58 ? base.substring(0, 58) : base);
      for (int i = 0; i < 5; i++) {
        sb.append(NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length())));
      }
      name = sb.toString();
      meta.put("name", name);
    }
    if (name == null || name.isEmpty()) {
      throw ApiException.invalid(
          type,
          null,
          List.of(
              new ApiException.Cause(
                  "FieldValueRequired", "metadata.name", "name or generateName is required")));
    }
    validateName(type, name);
    return name;
  }

  static void validateName(ResourceType type, String name) {
    // RBAC objects are named like "system:discovery", APIServices like "v1." (version.group):
    // upstream checks them only as path segments.
    List<String> problems =
        type.group().equals("rbac.authorization.k8s.io")
                || type.group().equals("apiregistration.k8s.io")
            ? NameValidation.pathSegment(name)
            : NameValidation.check(
                name, LABEL_NAMED.contains(type.plural()) && type.group().isEmpty());
    if (!problems.isEmpty()) {
      List<ApiException.Cause> causes = new ArrayList<>();
      for (String p : problems) {
        causes.add(
            new ApiException.Cause(
                "FieldValueInvalid", "metadata.name", "Invalid value: \"" + name + "\": " + p));
      }
      throw ApiException.invalid(type, name, causes);
    }
  }

  /**
   * A random (version 4) UUID from this thread's own generator: {@code UUID.randomUUID} draws from
   * one generator behind one lock, shared by every API worker.
   */
  static String newUid() {
    byte[] b = new byte[16];
    UID_RANDOM.get().nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(b);
    return new UUID(bytes.getLong(), bytes.getLong()).toString();
  }

  private static final ThreadLocal<SecureRandom> UID_RANDOM =
      ThreadLocal.withInitial(
          () -> {
            try {
              return SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
              return new SecureRandom();
            }
          });

  /** Stamps a new object's system metadata; status is the server's unless the kind has none. */
  static void stampCreate(ResourceType type, ObjectNode obj, String namespace) {
    ObjectNode meta = Meta.metadata(obj);
    if (type.namespaced()) {
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    meta.put("uid", newUid());
    meta.put("creationTimestamp", Meta.now());
    // Like kube-apiserver: kinds with a spec (and every custom resource) track generation;
    // plain data kinds such as ConfigMap and Secret do not.
    if (obj.has("spec") || !type.builtin()) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("selfLink");
    dropNullMaps(obj);
  }

  /**
   * Builds the stored form of an update: identity and system fields (generation included) come from
   * the old object, status from the old object unless {@code statusOnly}. Generation moves in
   * {@link #settleGeneration}, once admission has defaulted the result.
   */
  static ObjectNode mergeUpdate(
      ResourceType type, ObjectNode old, ObjectNode incoming, boolean statusOnly) {
    ObjectNode updated;
    if (statusOnly) {
      updated = old.deepCopy();
      if (incoming.has("status")) {
        updated.set("status", incoming.get("status"));
      } else {
        updated.remove("status");
      }
    } else {
      updated = incoming;
      if (type.hasSubresource("status")) {
        if (old.has("status")) {
          updated.set("status", old.get("status"));
        } else {
          updated.remove("status");
        }
      }
    }
    ObjectNode oldMeta = Meta.metadata(old);
    ObjectNode meta = Meta.metadata(updated);
    for (String f :
        new String[] {
          "uid",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "namespace",
          "name",
          "generation"
        }) {
      if (oldMeta.has(f)) {
        meta.set(f, oldMeta.get(f));
      } else {
        meta.remove(f);
      }
    }
    meta.remove("selfLink");
    if (Meta.isDeleting(old)) {
      rejectNewFinalizers(type, old, updated);
    }
    dropNullMaps(updated);
    return updated;
  }

  /**
   * Moves generation on when the spec (everything but metadata and status) of the admitted update
   * differs from the old one. Called after defaulting, so a manifest that leaves out what the
   * server defaults (a Deployment's strategy, a policy's conflictResolution) is no spec change, as
   * upstream.
   */
  static void settleGeneration(ObjectNode old, ObjectNode updated) {
    ObjectNode oldMeta = Meta.metadata(old);
    if (oldMeta.has("generation")) {
      long generation = oldMeta.path("generation").asLong(1);
      Meta.metadata(updated)
          .put("generation", specChanged(old, updated) ? generation + 1 : generation);
    }
  }

  private static boolean specChanged(ObjectNode old, ObjectNode updated) {
    Iterator<String> names = updated.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!f.equals("metadata") && !f.equals("status") && !sameTree(updated.get(f), old.get(f))) {
        return true;
      }
    }
    Iterator<String> oldNames = old.fieldNames();
    while (oldNames.hasNext()) {
      String f = oldNames.next();
      if (!f.equals("metadata") && !f.equals("status") && !updated.has(f)) {
        return true;
      }
    }
    return false;
  }

  /** Deep equality that also holds between trees built in code (longs) and parsed ones (ints). */
  private static boolean sameTree(JsonNode a, JsonNode b) {
    return a.equals(b) || (b != null && java.util.Arrays.equals(Json.write(a), Json.write(b)));
  }

  private static void rejectNewFinalizers(ResourceType type, ObjectNode old, ObjectNode updated) {
    JsonNode before = Meta.metadata(old).path("finalizers");
    for (JsonNode f : Meta.metadata(updated).path("finalizers")) {
      boolean known = false;
      for (JsonNode b : before) {
        known |= b.equals(f);
      }
      if (!known) {
        throw ApiException.invalid(
            type,
            Meta.name(old),
            "metadata.finalizers",
            "Forbidden: no new finalizers can be added if the object is being deleted, found new"
                + " finalizers [\""
                + f.asText()
                + "\"]");
      }
    }
  }

  /**
   * Labels and annotations set to null are dropped, as Go decodes them; their types were checked on
   * the way in ({@link #checkTypeAndMeta}).
   */
  private static void dropNullMaps(ObjectNode obj) {
    ObjectNode meta = Meta.metadata(obj);
    for (String map : new String[] {"labels", "annotations"}) {
      JsonNode m = meta.get(map);
      if (m != null && m.isNull()) {
        meta.remove(map);
      }
    }
  }
}
