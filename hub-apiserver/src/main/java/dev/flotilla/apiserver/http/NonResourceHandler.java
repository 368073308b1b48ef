package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.openapi.OpenApiV2;
import dev.flotilla.apiserver.openapi.OpenApiV3;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** /version, discovery (legacy and aggregated), OpenAPI v2 and v3, and /metrics. */
final class NonResourceHandler {
  static final String AGGREGATED_TYPE =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  private final ResourceRegistry registry;
  private final OpenApiV3 openApi;
  private final OpenApiV2 openApiV2;
  private final Function<ResourceType, Optional<JsonNode>> crdSchemas;
  private final ApiMetrics metrics;
  private final ObjectNode version;

  NonResourceHandler(
      ResourceRegistry registry,
      OpenApiV3 openApi,
      Function<ResourceType, Optional<JsonNode>> crdSchemas,
      ApiMetrics metrics,
      String flotillaVersion) {
    this.registry = registry;
    this.openApi = openApi;
    this.openApiV2 = new OpenApiV2(BuiltinCatalogue.get().kubernetesVersion());
    this.crdSchemas = crdSchemas;
    this.metrics = metrics;
    this.version = JsonNodeFactory.instance.objectNode();
    version.put("major", "1");
    version.put("minor", "33");
    version.put("gitVersion", "v1.33.0+flotilla-" + flotillaVersion);
    version.put("gitCommit", "");
    version.put("gitTreeState", "clean");
    version.put("buildDate", "2026-11-21T00:00:00Z");
    version.put("goVersion", "java" + Runtime.version().feature());
    version.put("compiler", "javac");
    version.put("platform", "linux/amd64");
  }

  /** Answers a GET of {@code path}; runs on a worker (a /metrics scrape reads every thread). */
  Reply handle(ApiRequest r, String path) {
    if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
      throw ApiException.methodNotAllowed("only GET is served on " + path);
    }
    List<String> parts = r.info().pathParts();
    if (path.equals("/version") || path.equals("/version/")) {
      return Reply.json(200, version);
    }
    if (path.equals("/metrics")) {
      return new Reply(
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          metrics.scrape().getBytes(StandardCharsets.UTF_8),
          List.of());
    }
    if (!parts.isEmpty() && parts.get(0).equals("openapi")) {
      return openApi(parts, r.headers().get("Accept"));
    }
    boolean aggregated = wantsAggregated(r.headers().get("Accept"));
    if (parts.size() == 1 && parts.get(0).equals("api")) {
      return aggregated
          ? aggregatedReply(DiscoveryDocuments.aggregated(registry, true))
          : Reply.json(200, DiscoveryDocuments.apiVersions());
    }
    if (parts.size() == 1 && parts.get(0).equals("apis")) {
      return aggregated
          ? aggregatedReply(DiscoveryDocuments.aggregated(registry, false))
          : Reply.json(200, DiscoveryDocuments.apiGroupList(registry));
    }
    if (parts.size() == 2 && parts.get(0).equals("api") && hasGroupVersion("", parts.get(1))) {
      return Reply.json(200, DiscoveryDocuments.resourceList(registry, "", parts.get(1)));
    }
    if (parts.size() == 2 && parts.get(0).equals("apis")) {
      List<String> versions = DiscoveryDocuments.groups(registry).get(parts.get(1));
      if (versions != null && !parts.get(1).isEmpty()) {
        ObjectNode group = DiscoveryDocuments.apiGroup(parts.get(1), versions);
        group.put("kind", "APIGroup");
        group.put("apiVersion", "v1");
        return Reply.json(200, group);
      }
    }
    if (parts.size() == 3
        && parts.get(0).equals("apis")
        && hasGroupVersion(parts.get(1), parts.get(2))) {
      return Reply.json(200, DiscoveryDocuments.resourceList(registry, parts.get(1), parts.get(2)));
    }
    throw new ApiException(404, "NotFound", "the server could not find the requested resource");
  }

  private boolean hasGroupVersion(String group, String version) {
    Map<String, List<String>> groups = DiscoveryDocuments.groups(registry);
    return groups.containsKey(group) && groups.get(group).contains(version);
  }

  private Reply openApi(List<String> parts, String accept) {
    List<ResourceType> served = registry.all();
    if (parts.size() == 2 && parts.get(1).equals("v2")) {
      // kubectl 1.27 and 1.28 read this (as protobuf) to learn that the server validates fields.
      return OpenApiV2.wantsProtobuf(accept)
          ? new Reply(200, OpenApiV2.PROTOBUF_CONTENT_TYPE, openApiV2.protobuf(served), List.of())
          : Reply.json(200, openApiV2.json(served));
    }
    if (parts.size() < 2 || !parts.get(1).equals("v3")) {
      throw new ApiException(
          404, "NotFound", "the server serves OpenAPI at /openapi/v2 and /openapi/v3");
    }
    if (parts.size() == 2) {
      return Reply.json(200, openApi.index(served));
    }
    String gv = String.join("/", parts.subList(2, parts.size()));
    return openApi
        .document(gv, served, crdSchemas)
        .map(doc -> Reply.json(200, doc))
        .orElseThrow(() -> new ApiException(404, "NotFound", "no OpenAPI document for " + gv));
  }

  private static Reply aggregatedReply(ObjectNode doc) {
    return new Reply(200, AGGREGATED_TYPE, Json.write(doc), List.of());
  }

  /** True when the client lists the aggregated discovery type (v2) among what it accepts. */
  static boolean wantsAggregated(String accept) {
    if (accept == null) {
      return false;
    }
    for (String option : accept.split(",")) {
      Map<String, String> params = new java.util.HashMap<>();
      for (String p : option.split(";")) {
        int eq = p.indexOf('=');
        if (eq > 0) {
          params.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
      }
      if ("apidiscovery.k8s.io".equals(params.get("g"))
          && "v2".equals(params.get("v"))
          && "APIGroupDiscoveryList".equals(params.get("as"))) {
        return true;
      }
    }
    return false;
  }
}
