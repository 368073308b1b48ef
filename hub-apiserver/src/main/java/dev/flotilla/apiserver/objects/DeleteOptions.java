package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;

/**
 * The parts of {@code DeleteOptions} the server acts on.
 *
 * @param propagationPolicy Orphan, Background or Foreground; null for the kind's default
 * @param preconditionUid delete only if the object still has this uid
 * @param preconditionResourceVersion delete only if the object is still at this version
 * @param dryRun validate and report, store nothing
 */
public record DeleteOptions(
    String propagationPolicy,
    String preconditionUid,
    String preconditionResourceVersion,
    boolean dryRun) {

  public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, false);

  /** Reads a DeleteOptions body (may be null) and the query's propagationPolicy and dryRun. */
  public static DeleteOptions from(JsonNode body, String queryPolicy, boolean queryDryRun) {
    String policy = queryPolicy;
    String uid = null;
    String rv = null;
    boolean dryRun = queryDryRun;
    if (body != null) {
      typeCheck(body);
      if (body.hasNonNull("propagationPolicy")) {
        policy = body.get("propagationPolicy").asText();
      } else if (body.has("orphanDependents") && body.get("orphanDependents").asBoolean()) {
        policy = "Orphan";
      }
      JsonNode pre = body.path("preconditions");
      uid = pre.hasNonNull("uid") ? pre.get("uid").asText() : null;
      rv = pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null;
      for (JsonNode d : body.path("dryRun")) {
        dryRun |= "All".equals(d.asText());
      }
    }
    if (policy != null
        && !policy.equals("Orphan")
        && !policy.equals("Background")
        && !policy.equals("Foreground")) {
      throw ApiException.badRequest(
          "propagationPolicy must be one of Orphan, Background or"
              + " Foreground, got \""
              + policy
              + "\"");
    }
    return new DeleteOptions(policy, uid, rv, dryRun);
  }

  /**
   * 409 as upstream when {@code current} fails this delete's uid or resourceVersion precondition.
   */
  public void checkPreconditions(ResourceType type, String name, ObjectNode current) {
    if (preconditionUid != null && !preconditionUid.equals(Meta.uid(current))) {
      throw ApiException.conflict(
          type,
          name,
          "Precondition failed: UID in precondition: "
              + preconditionUid
              + ", UID in object meta: "
              + Meta.uid(current));
    }
    String rv = preconditionResourceVersion;
    if (rv != null && Meta.parseResourceVersion(rv) != Meta.resourceVersion(current)) {
      throw ApiException.conflict(
          type,
          name,
          "Precondition failed: ResourceVersion in"
              + " precondition: "
              + rv
              + ", ResourceVersion in meta: "
              + Meta.resourceVersion(current));
    }
  }

  /**
   * Refuses a body that does not decode as a DeleteOptions, as upstream's decoder does: one read
   * leniently would delete what its sender meant to guard (the reliability fuzz found {@code
   * "orphanDependents": "x"} deleting the object).
   */
  private static void typeCheck(JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.badRequest("the body of a delete must be a DeleteOptions object");
    }
    String kind = body.path("kind").asText("DeleteOptions");
    if (!kind.isEmpty() && !kind.equals("DeleteOptions")) {
      throw ApiException.badRequest("the body of a delete must be a DeleteOptions, not a " + kind);
    }
    check(body, "orphanDependents", JsonNode::isBoolean, "a boolean");
    check(body, "gracePeriodSeconds", JsonNode::isIntegralNumber, "an integer");
    check(body, "propagationPolicy", JsonNode::isTextual, "a string");
    check(body, "preconditions", JsonNode::isObject, "an object");
    check(body.path("preconditions"), "uid", JsonNode::isTextual, "a string");
    check(body.path("preconditions"), "resourceVersion", JsonNode::isTextual, "a string");
    check(body, "dryRun", JsonNode::isArray, "an array");
    for (JsonNode d : body.path("dryRun")) {
      if (!"All".equals(d.asText())) {
        throw ApiException.badRequest(
            "dryRun: Unsupported value: \"" + d.asText() + "\": supported values: \"All\"");
      }
    }
  }

  private static void check(
      JsonNode parent, String field, java.util.function.Predicate<JsonNode> ok, String what) {
    JsonNode v = parent.get(field);
    if (v != null && !v.isNull() && !ok.test(v)) {
      throw ApiException.badRequest("DeleteOptions." + field + " must be " + what + ", got " + v);
    }
  }
}
