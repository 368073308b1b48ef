package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * A request failure that becomes a Kubernetes {@code Status} body: the reason and code kubectl and
 * client libraries switch on, and a message a person can act on.
 */
public class ApiException extends RuntimeException {
  private final int code;
  private final String reason;
  private final String kind;
  private final String group;
  private final String name;
  private final List<Cause> causes;

  /** One field-level cause, as in {@code details.causes}. */
  public record Cause(String reason, String field, String message) {}

  public ApiException(int code, String reason, String message) {
    this(code, reason, message, null, null, null, List.of());
  }

  public ApiException(
      int code,
      String reason,
      String message,
      String group,
      String kind,
      String name,
      List<Cause> causes) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.causes = causes;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public List<Cause> causes() {
    return causes;
  }

  public static ApiException notFound(ResourceType type, String name) {
    return new ApiException(
        404,
        "NotFound",
        type.groupResource() + " \"" + name + "\" not found",
        type.group(),
        type.plural(),
        name,
        List.of());
  }

  public static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(
        409,
        "AlreadyExists",
        type.groupResource() + " \"" + name + "\" already exists",
        type.group(),
        type.plural(),
        name,
        List.of());
  }

  public static ApiException conflict(ResourceType type, String name) {
    return new ApiException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.groupResource()
            + " \""
            + name
            + "\": the object has been modified; please apply"
            + " your changes to the latest version and try again",
        type.group(),
        type.plural(),
        name,
        List.of());
  }

  public static ApiException conflict(ResourceType type, String name, String why) {
    return new ApiException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on " + type.groupResource() + " \"" + name + "\": " + why,
        type.group(),
        type.plural(),
        name,
        List.of());
  }

  /**
   * 403 as kube-apiserver words it: {@code <resource>[.<group>] ["<name>" ]is forbidden: <why>},
   * with details naming the group, resource and object.
   */
  public static ApiException forbidden(String group, String resource, String name, String why) {
    String qualified = group == null || group.isEmpty() ? resource : resource + "." + group;
    String named = name == null || name.isEmpty() ? "" : " \"" + name + "\"";
    return new ApiException(
        403,
        "Forbidden",
        qualified + named + " is forbidden: " + why,
        group,
        resource,
        name == null || name.isEmpty() ? null : name,
        List.of());
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message);
  }

  public static ApiException invalid(ResourceType type, String name, List<Cause> causes) {
    List<String> parts = new ArrayList<>();
    for (Cause c : causes) {
      parts.add(c.field() + ": " + c.message());
    }
    String message =
        type.kind()
            + " \""
            + (name == null ? "" : name)
            + "\" is invalid: "
            + String.join(", ", parts);
    return new ApiException(422, "Invalid", message, type.group(), type.kind(), name, causes);
  }

  public static ApiException invalid(ResourceType type, String name, String field, String message) {
    return invalid(type, name, List.of(new Cause("FieldValueInvalid", field, message)));
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message);
  }

  public static ApiException expired(String message) {
    return new ApiException(410, "Expired", message);
  }

  public static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + "application/json, application/yaml, application/json-patch+json, "
            + "application/merge-patch+json, application/strategic-merge-patch+json, "
            + "application/apply-patch+yaml; got \""
            + contentType
            + "\"");
  }

  public static ApiException internal(String message) {
    return new ApiException(500, "InternalError", message);
  }

  /** The {@code Status} object for this failure. */
  public ObjectNode toStatus() {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", getMessage());
    status.put("reason", reason);
    if (name != null || kind != null || !causes.isEmpty()) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      if (group != null && !group.isEmpty()) {
        details.put("group", group);
      }
      if (kind != null) {
        details.put("kind", kind);
      }
      if (!causes.isEmpty()) {
        ArrayNode list = details.putArray("causes");
        for (Cause c : causes) {
          ObjectNode n = list.addObject();
          n.put("reason", c.reason());
          n.put("message", c.message());
          if (c.field() != null) {
            n.put("field", c.field()); // upstream omits an empty field (e.g. DisruptionBudget)
          }
        }
      }
    }
    status.put("code", code);
    return status;
  }
}
