package dev.flotilla.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.List;

/**
 * Builds the OpenAPI v3 path items (operations, parameters, bodies) for one resource type.
 *
 * <p>kubectl's query-parameter verifier only looks for a PATCH operation whose {@code
 * x-kubernetes-group-version-kind} matches and which lists {@code fieldValidation}; the rest
 * mirrors upstream's shape so generic OpenAPI tooling also finds what it expects.
 */
final class PathItems {

  static final String SCHEMA_PREFIX = "#/components/schemas/";
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String STATUS = META + "Status";
  static final String PATCH = META + "Patch";
  static final String DELETE_OPTIONS = META + "DeleteOptions";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static final List<String> LIST_PARAMS =
      List.of(
          "allowWatchBookmarks:boolean",
          "continue:string",
          "fieldSelector:string",
          "labelSelector:string",
          "limit:integer",
          "resourceVersion:string",
          "resourceVersionMatch:string",
          "sendInitialEvents:boolean",
          "timeoutSeconds:integer",
          "watch:boolean");
  private static final List<String> WRITE_PARAMS =
      List.of("dryRun:string", "fieldManager:string", "fieldValidation:string");
  private static final List<String> PATCH_PARAMS =
      List.of("dryRun:string", "fieldManager:string", "fieldValidation:string", "force:boolean");
  private static final List<String> DELETE_PARAMS =
      List.of(
          "dryRun:string",
          "gracePeriodSeconds:integer",
          "ignoreStoreReadErrorWithClusterBreakingPotential:boolean",
          "orphanDependents:boolean",
          "propagationPolicy:string");
  private static final List<String> DELETE_COLLECTION_PARAMS =
      List.of(
          "continue:string",
          "dryRun:string",
          "fieldSelector:string",
          "gracePeriodSeconds:integer",
          "ignoreStoreReadErrorWithClusterBreakingPotential:boolean",
          "labelSelector:string",
          "limit:integer",
          "orphanDependents:boolean",
          "propagationPolicy:string",
          "resourceVersion:string",
          "resourceVersionMatch:string",
          "sendInitialEvents:boolean",
          "timeoutSeconds:integer");

  /** Schema names and GVK a path item's operations use. */
  record Target(String group, String version, String kind, String schema) {}

  private PathItems() {}

  /** Adds collection, object and (status, scale) subresource path items for {@code t}. */
  static void add(
      ObjectNode paths,
      ResourceType t,
      String kindSchema,
      String listSchema,
      List<Sub> subresources) {
    String base =
        "/"
            + t.groupVersionPath()
            + (t.namespaced() ? "/namespaces/{namespace}/" : "/")
            + t.plural();
    Target self = new Target(t.group(), t.version(), t.kind(), kindSchema);
    String id = operationId(t);

    ObjectNode collection = F.objectNode();
    if (t.supports("list")) {
      collection.set("get", op("list", "list" + id, self, listSchema, LIST_PARAMS, null, "200"));
    }
    if (t.supports("create")) {
      collection.set(
          "post",
          op(
              "post",
              "create" + id,
              self,
              kindSchema,
              WRITE_PARAMS,
              body(kindSchema),
              "200",
              "201",
              "202"));
    }
    if (t.supports("deletecollection")) {
      collection.set(
          "delete",
          op(
              "deletecollection",
              "deleteCollection" + id,
              self,
              STATUS,
              DELETE_COLLECTION_PARAMS,
              deleteBody(),
              "200"));
    }
    if (!collection.isEmpty()) {
      collection.set("parameters", pathParams(t.namespaced(), false));
      paths.set(base, collection);
    }

    ObjectNode item = F.objectNode();
    if (t.supports("get")) {
      item.set("get", op("get", "read" + id, self, kindSchema, List.of(), null, "200"));
    }
    if (t.supports("update")) {
      item.set(
          "put",
          op(
              "put",
              "replace" + id,
              self,
              kindSchema,
              WRITE_PARAMS,
              body(kindSchema),
              "200",
              "201"));
    }
    if (t.supports("patch")) {
      item.set(
          "patch",
          op(
              "patch",
              "patch" + id,
              self,
              kindSchema,
              PATCH_PARAMS,
              patchBody(t.builtin()),
              "200",
              "201"));
    }
    if (t.supports("delete")) {
      item.set(
          "delete",
          op("delete", "delete" + id, self, STATUS, DELETE_PARAMS, deleteBody(), "200", "202"));
    }
    if (!item.isEmpty()) {
      item.set("parameters", pathParams(t.namespaced(), true));
      paths.set(base + "/{name}", item);
    }

    for (Sub sub : subresources) {
      ObjectNode s = F.objectNode();
      String sid = id + Character.toUpperCase(sub.name.charAt(0)) + sub.name.substring(1);
      if (sub.verbs.contains("get")) {
        s.set(
            "get", op("get", "read" + sid, sub.target, sub.target.schema, List.of(), null, "200"));
      }
      if (sub.verbs.contains("update")) {
        s.set(
            "put",
            op(
                "put",
                "replace" + sid,
                sub.target,
                sub.target.schema,
                WRITE_PARAMS,
                body(sub.target.schema),
                "200",
                "201"));
      }
      if (sub.verbs.contains("patch")) {
        s.set(
            "patch",
            op(
                "patch",
                "patch" + sid,
                sub.target,
                sub.target.schema,
                PATCH_PARAMS,
                patchBody(t.builtin()),
                "200",
                "201"));
      }
      if (!s.isEmpty()) {
        s.set("parameters", pathParams(t.namespaced(), true));
        paths.set(base + "/{name}/" + sub.name, s);
      }
    }
  }

  /** A subresource path to describe: its name, verbs and what its operations carry. */
  record Sub(String name, List<String> verbs, Target target) {}

  private static ObjectNode op(
      String action,
      String operationId,
      Target target,
      String responseSchema,
      List<String> queryParams,
      ObjectNode requestBody,
      String... codes) {
    ObjectNode op = F.objectNode();
    op.put("operationId", operationId);
    if (!queryParams.isEmpty()) {
      ArrayNode params = op.putArray("parameters");
      for (String p : queryParams) {
        int colon = p.indexOf(':');
        params.add(param(p.substring(0, colon), "query", p.substring(colon + 1), false));
      }
    }
    if (requestBody != null) {
      op.set("requestBody", requestBody);
    }
    ObjectNode responses = op.putObject("responses");
    for (String code : codes) {
      ObjectNode r = responses.putObject(code);
      r.put("description", code.equals("201") ? "Created" : code.equals("202") ? "Accepted" : "OK");
      ObjectNode content = r.putObject("content");
      for (String type : List.of("application/json", "application/yaml")) {
        content.putObject(type).set("schema", ref(responseSchema));
      }
    }
    responses.putObject("401").put("description", "Unauthorized");
    op.put("x-kubernetes-action", action);
    ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
    gvk.put("group", target.group());
    gvk.put("version", target.version());
    gvk.put("kind", target.kind());
    return op;
  }

  private static ArrayNode pathParams(boolean namespaced, boolean named) {
    ArrayNode params = F.arrayNode();
    if (named) {
      params.add(param("name", "path", "string", true));
    }
    if (namespaced) {
      params.add(param("namespace", "path", "string", true));
    }
    params.add(param("pretty", "query", "string", false));
    return params;
  }

  private static ObjectNode param(String name, String in, String type, boolean required) {
    ObjectNode p = F.objectNode();
    p.put("name", name);
    p.put("in", in);
    if (required) {
      p.put("required", true);
    }
    ObjectNode schema = p.putObject("schema");
    schema.put("type", type);
    schema.put("uniqueItems", true);
    return p;
  }

  private static ObjectNode body(String schema) {
    ObjectNode body = F.objectNode();
    body.putObject("content").putObject("*/*").set("schema", ref(schema));
    body.put("required", true);
    return body;
  }

  private static ObjectNode deleteBody() {
    ObjectNode body = F.objectNode();
    body.putObject("content").putObject("*/*").set("schema", ref(DELETE_OPTIONS));
    return body;
  }

  /** Strategic merge patch needs Go struct tags, so only built-in kinds accept it. */
  private static ObjectNode patchBody(boolean builtin) {
    ObjectNode body = F.objectNode();
    ObjectNode content = body.putObject("content");
    content.putObject("application/json-patch+json").set("schema", ref(PATCH));
    content.putObject("application/merge-patch+json").set("schema", ref(PATCH));
    if (builtin) {
      content.putObject("application/strategic-merge-patch+json").set("schema", ref(PATCH));
    }
    content.putObject("application/apply-patch+yaml").set("schema", ref(PATCH));
    body.put("required", true);
    return body;
  }

  static ObjectNode ref(String schemaName) {
    return F.objectNode().put("$ref", SCHEMA_PREFIX + schemaName);
  }

  /** Upstream-style operation id stem, e.g. "AppsV1NamespacedDeployment". */
  static String operationId(ResourceType t) {
    StringBuilder sb = new StringBuilder();
    String group = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "");
    for (String part : group.split("[.\\-]")) {
      if (!part.isEmpty()) {
        sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    sb.append(Character.toUpperCase(t.version().charAt(0))).append(t.version().substring(1));
    if (t.namespaced()) {
      sb.append("Namespaced");
    }
    return sb.append(t.kind()).toString();
  }
}
