package dev.flotilla.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.List;

/**
 * Serves the Swagger 2.0 document at {@code /openapi/v2}, as JSON or as gnostic protobuf.
 *
 * <p>kubectl 1.27 and 1.28 decide whether the server validates fields by downloading this document
 * as protobuf and looking for a PATCH operation of the object's kind that lists {@code
 * fieldValidation} (cli-runtime {@code QueryParamVerifier}); without it they refuse to send objects
 * unless run with {@code --validate=false}. So the document is a skeleton: one item path per served
 * type with its PATCH operation, its {@code x-kubernetes-group-version-kind} and write parameters,
 * and no schema definitions. Schemas, for {@code explain} and generic tooling, live in {@link
 * OpenApiV3}. Both encodings are rendered from one JSON tree (see {@link SwaggerProtobuf}) and
 * cached until the served types change. Thread-safe.
 */
public final class OpenApiV2 {
  /** What kubectl asks for in its Accept header. */
  public static final String PROTOBUF_TYPE =
      "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  /**
   * The content type of the protobuf answer: the same name with a '.' for the '@', because
   * client-go parses the response's Content-Type and '@' is not allowed in a media type, so echoing
   * the Accept value fails every request with "mime: unexpected content after media subtype".
   */
  public static final String PROTOBUF_CONTENT_TYPE =
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> PATCH_QUERY_PARAMS =
      List.of("dryRun", "fieldManager", "fieldValidation");
  private static final List<String> PATCH_TYPES =
      List.of(
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml");

  /** Both encodings of the document for one list of served types. */
  private record Rendered(List<ResourceType> served, byte[] json, byte[] protobuf) {}

  private final String kubernetesVersion;
  private volatile Rendered last;

  /** A document titled with {@code kubernetesVersion}, e.g. "v1.33.0". */
  public OpenApiV2(String kubernetesVersion) {
    this.kubernetesVersion = kubernetesVersion;
  }

  /** The document as Swagger 2.0 JSON. */
  public byte[] json(List<ResourceType> served) {
    return render(served).json();
  }

  /** The document as a gnostic {@code openapi.v2.Document} protobuf message. */
  public byte[] protobuf(List<ResourceType> served) {
    return render(served).protobuf();
  }

  /** True when an Accept header asks for the protobuf encoding rather than JSON. */
  public static boolean wantsProtobuf(String accept) {
    return accept != null && accept.contains("com.github.proto-openapi.spec.v2");
  }

  private Rendered render(List<ResourceType> served) {
    Rendered r = last;
    if (r != null && r.served().equals(served)) {
      return r;
    }
    ObjectNode doc = document(served);
    r = new Rendered(List.copyOf(served), Json.write(doc), SwaggerProtobuf.encode(doc));
    last = r;
    return r;
  }

  /** The Swagger 2.0 tree: what both encodings carry. */
  ObjectNode document(List<ResourceType> served) {
    ObjectNode doc = F.objectNode();
    doc.put("swagger", "2.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", kubernetesVersion);
    ObjectNode paths = doc.putObject("paths");
    for (ResourceType t : served) {
      if (!t.supports("patch")) {
        continue;
      }
      String path =
          "/"
              + t.groupVersionPath()
              + (t.namespaced() ? "/namespaces/{namespace}/" : "/")
              + t.plural()
              + "/{name}";
      if (!paths.has(path)) { // one type per path: the registry lists preferred versions first
        paths.set(path, pathItem(t));
      }
    }
    return doc;
  }

  private static ObjectNode pathItem(ResourceType t) {
    ObjectNode item = F.objectNode();
    ArrayNode pathParams = item.putArray("parameters");
    pathParams.add(pathParam("name", "name of the " + t.kind()));
    if (t.namespaced()) {
      pathParams.add(pathParam("namespace", "object name and auth scope, such as for teams"));
    }
    ObjectNode patch = item.putObject("patch");
    patch.put("description", "partially update the specified " + t.kind());
    patch.put("operationId", "patch" + PathItems.operationId(t));
    ArrayNode consumes = patch.putArray("consumes");
    PATCH_TYPES.stream()
        .filter(type -> t.builtin() || !type.contains("strategic"))
        .forEach(consumes::add);
    patch.putArray("produces").add("application/json").add("application/yaml");
    ArrayNode params = patch.putArray("parameters");
    ObjectNode body = params.addObject();
    body.put("name", "body");
    body.put("in", "body");
    body.put("required", true);
    body.putObject("schema").put("type", "object");
    for (String name : PATCH_QUERY_PARAMS) {
      params.addObject().put("name", name).put("in", "query").put("type", "string");
    }
    params.addObject().put("name", "force").put("in", "query").put("type", "boolean");
    patch.putObject("responses").putObject("200").put("description", "OK");
    patch.put("x-kubernetes-action", "patch");
    ObjectNode gvk = patch.putObject("x-kubernetes-group-version-kind");
    gvk.put("group", t.group());
    gvk.put("kind", t.kind());
    gvk.put("version", t.version());
    return item;
  }

  private static ObjectNode pathParam(String name, String description) {
    ObjectNode p = F.objectNode();
    p.put("name", name);
    p.put("in", "path");
    p.put("description", description);
    p.put("required", true);
    p.put("type", "string");
    return p;
  }
}
