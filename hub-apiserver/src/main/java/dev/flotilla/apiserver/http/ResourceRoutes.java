package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.pods.PodSubresources;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.scale.ScaleHandler;
import dev.flotilla.apiserver.validation.FieldValidation;
import dev.flotilla.apiserver.validation.WriteContext;
import dev.flotilla.apiserver.validation.WriteRequests;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which handler serves an authenticated request: a virtual resource, a non-resource path, a
 * subresource with a handler of its own, or one of the seven resource operations, once the
 * authorizer has allowed its verb.
 */
final class ResourceRoutes {
  private final ResourceStorage storage;
  private final Authorizer authorizer;
  private final NonResourceHandler nonResource;
  private final Map<String, OperationHandler> operations;
  private final OperationHandler scale;

  /**
   * Create-only resources answered from memory, by "group/resource" (see {@link VirtualResource}).
   */
  private final Map<String, VirtualResource> virtuals = new ConcurrentHashMap<>();

  /** Subresources served by a handler of their own, by "group/resource/subresource". */
  private final Map<String, OperationHandler> subresources = new ConcurrentHashMap<>();

  ResourceRoutes(ResourceStorage storage, Authorizer authorizer, NonResourceHandler nonResource) {
    this.storage = storage;
    this.authorizer = authorizer;
    this.nonResource = nonResource;
    this.operations =
        Map.of(
            "get", new GetHandler(storage),
            "list", new ListHandler(storage),
            "create", new CreateHandler(storage),
            "update", new UpdateHandler(storage),
            "patch", new PatchHandler(storage),
            "delete", new DeleteHandler(storage),
            "deletecollection", new DeleteCollectionHandler(storage));
    this.scale = new ScaleHandler(storage);
    PodSubresources.register(storage, (sub, handler) -> addSubresource("", "pods", sub, handler));
  }

  void addVirtualResource(String group, String resource, VirtualResource handler) {
    virtuals.put(group + "/" + resource, handler);
  }

  void addSubresource(String group, String resource, String sub, OperationHandler handler) {
    subresources.put(group + "/" + resource + "/" + sub, handler);
  }

  /**
   * What routing made of a request: its verb (for metrics) and either the reply to come or a watch
   * to start on the event loop.
   */
  record Routed(String verb, CompletableFuture<Reply> reply, ApiRequest watch) {}

  /** On a worker (or, for an upgrade, the loop): resolves, authorizes and starts the operation. */
  Routed route(
      HttpMethod method,
      String path,
      MultiMap params,
      MultiMap headers,
      Buffer body,
      UserInfo user,
      String[] verb) {
    RequestInfo info = RequestInfo.parse(path);
    VirtualResource virtual = virtual(info);
    ResourceType type = info.resourceRequest() && virtual == null ? resolve(info) : null;
    if (type != null) {
      RequestChecks.requireKnownSubresource(info, type);
    }
    verb[0] = verb(method, info, params);
    ApiRequest request = new ApiRequest(method.name(), info, type, params, headers, body, user);
    Authorizer.Verdict verdict = authorizer.authorize(user, verb[0], request);
    if (verb.length > 2) {
      verb[1] = verdict.allowed() ? "allow" : "forbid";
      verb[2] = verdict.reason();
    }
    String denied = verdict.denial();
    if (!verdict.allowed()) {
      throw info.resourceRequest()
          ? ApiException.forbidden(info.group(), info.resource(), info.name(), denied)
          : new ApiException(403, "Forbidden", "forbidden: " + denied);
    }
    if (virtual != null) {
      if (!verb[0].equals("create")) {
        throw ApiException.methodNotAllowed(
            "the server does not allow this method on the requested resource: "
                + verb[0]
                + " "
                + info.resource());
      }
      return new Routed(verb[0], CompletableFuture.completedFuture(virtual.create(request)), null);
    }
    if (!info.resourceRequest()) {
      return new Routed(
          verb[0], CompletableFuture.completedFuture(nonResource.handle(request, path)), null);
    }
    if (!type.supports(verb[0])) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the"
              + " requested resource: "
              + verb[0]
              + " "
              + type.groupResource());
    }
    if (verb[0].equals("watch")) {
      return new Routed(verb[0], null, request);
    }
    return new Routed(verb[0], operation(verb[0], request), null);
  }

  /**
   * The scale subresource has its own handler; writes run under field validation, and every write
   * with its user in scope for admission.
   */
  private CompletableFuture<Reply> operation(String verb, ApiRequest request) {
    if ("scale".equals(request.info().subresource())) {
      return asUser(verb, request, scale);
    }
    OperationHandler own = ownSubresource(request.info());
    if (own != null) {
      return asUser(verb, request, own);
    }
    OperationHandler handler = operations.get(verb);
    if (verb.equals("create") || verb.equals("update") || verb.equals("patch")) {
      return WriteRequests.handle(verb, request, handler);
    }
    if (verb.equals("delete") || verb.equals("deletecollection")) {
      return asUser(verb, request, handler);
    }
    return handler.handle(request);
  }

  private OperationHandler ownSubresource(RequestInfo info) {
    return info.subresource() == null || subresources.isEmpty()
        ? null
        : subresources.get(info.group() + "/" + info.resource() + "/" + info.subresource());
  }

  private static CompletableFuture<Reply> asUser(
      String verb, ApiRequest request, OperationHandler handler) {
    return new WriteContext(verb, FieldValidation.IGNORE, request.user())
        .call(() -> handler.handle(request));
  }

  /** The virtual resource a collection request addresses, if any. */
  private VirtualResource virtual(RequestInfo info) {
    if (!info.resourceRequest() || info.name() != null || info.subresource() != null) {
      return null;
    }
    VirtualResource v = virtuals.get(info.group() + "/" + info.resource());
    return v != null && v.serves(info.version()) ? v : null;
  }

  private ResourceType resolve(RequestInfo info) {
    return storage
        .registry()
        .find(info.group(), info.version(), info.resource())
        .orElseThrow(
            () ->
                new ApiException(
                    404,
                    "NotFound",
                    "the server could not find the"
                        + " requested resource: "
                        + info.resource()
                        + " is not served in "
                        + (info.group().isEmpty() ? "" : info.group() + "/")
                        + info.version()));
  }

  private static String verb(HttpMethod method, RequestInfo info, MultiMap params) {
    if (!info.resourceRequest()) {
      return method == HttpMethod.GET || method == HttpMethod.HEAD
          ? "get"
          : method.name().toLowerCase();
    }
    boolean named = info.name() != null;
    switch (method.name()) {
      case "GET":
      case "HEAD":
        if (RequestChecks.parseBool("watch", params.get("watch"))) {
          return "watch";
        }
        return named ? "get" : "list";
      case "POST":
        if (named && info.subresource() == null) {
          throw ApiException.methodNotAllowed(
              "POST is only allowed on collections; use PUT or"
                  + " PATCH to change "
                  + info.resource()
                  + " \""
                  + info.name()
                  + "\"");
        }
        return "create";
      case "PUT":
        requireName(named, "PUT");
        return "update";
      case "PATCH":
        requireName(named, "PATCH");
        return "patch";
      case "DELETE":
        return named ? "delete" : "deletecollection";
      default:
        throw ApiException.methodNotAllowed("method " + method + " is not supported");
    }
  }

  private static void requireName(boolean named, String method) {
    if (!named) {
      throw ApiException.methodNotAllowed(method + " needs an object name in the URL");
    }
  }
}
