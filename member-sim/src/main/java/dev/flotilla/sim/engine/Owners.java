package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;

/** Controller ownerReferences: the one owner whose controller manages an object. */
public final class Owners {
  private Owners() {}

  /** The ownerReference a controller puts on what it creates for {@code owner}. */
  public static ObjectNode controllerRef(ObjectNode owner) {
    ObjectNode ref = Json.MAPPER.createObjectNode();
    ref.put("apiVersion", owner.path("apiVersion").asText());
    ref.put("kind", owner.path("kind").asText());
    ref.put("name", Meta.name(owner));
    ref.put("uid", Meta.uid(owner));
    ref.put("controller", true);
    ref.put("blockOwnerDeletion", true);
    return ref;
  }

  /** The controlling ownerReference, or null. */
  public static JsonNode controllerOf(JsonNode obj) {
    for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        return ref;
      }
    }
    return null;
  }

  /** True when {@code obj} is controlled by the object with {@code uid}. */
  public static boolean isControlledBy(JsonNode obj, String uid) {
    JsonNode ref = controllerOf(obj);
    return ref != null && uid != null && uid.equals(ref.path("uid").asText());
  }

  /** The kind of the controller of {@code obj}, or null. */
  public static String controllerKind(JsonNode obj) {
    JsonNode ref = controllerOf(obj);
    return ref == null ? null : ref.path("kind").asText();
  }

  /** The name of the controller of {@code obj}, or null. */
  public static String controllerName(JsonNode obj) {
    JsonNode ref = controllerOf(obj);
    return ref == null ? null : ref.path("name").asText();
  }
}
