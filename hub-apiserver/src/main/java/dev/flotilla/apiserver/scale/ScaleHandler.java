package dev.flotilla.apiserver.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * GET, PUT and PATCH of {@code <resource>/<name>/scale}: reads answer an autoscaling/v1 Scale built
 * from the object; writes change only the object's spec replica count, with optimistic concurrency
 * on the Scale's resourceVersion (the object's).
 */
public final class ScaleHandler implements OperationHandler {
  private final ResourceStorage storage;

  public ScaleHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    ResourceType type = r.type();
    ScaleTarget target =
        ScaleTarget.of(storage, type)
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "NotFound",
                        "the server could not find the requested resource: "
                            + type.groupResource()
                            + " has no scale subresource"));
    String ns = r.info().namespace();
    String name = r.info().name();
    switch (r.method()) {
      case "GET", "HEAD" -> {
        return CompletableFuture.completedFuture(
            Reply.json(200, target.toScale(storage.get(type, ns, name))));
      }
      case "PUT" -> {
        ObjectNode scale = r.bodyObject();
        checkScale(scale, name);
        long replicas = replicas(scale, name);
        return storage
            .guaranteedUpdate(
                type,
                ns,
                name,
                Meta.resourceVersion(scale),
                r.dryRun(),
                obj -> {
                  target.setReplicas(obj, replicas);
                  return obj;
                })
            .thenApply(updated -> Reply.json(200, target.toScale(updated)));
      }
      case "PATCH" -> {
        if (r.body() == null || r.body().length() == 0) {
          throw ApiException.badRequest("the PATCH request needs a patch body");
        }
        byte[] patch = r.body().getBytes();
        String contentType = r.contentType();
        ScalePatch.check(contentType);
        return storage
            .guaranteedUpdate(
                type,
                ns,
                name,
                0,
                r.dryRun(),
                obj -> {
                  ObjectNode current = target.toScale(obj);
                  ObjectNode patched = ScalePatch.apply(contentType, current, patch);
                  long wanted = Meta.resourceVersion(patched);
                  if (wanted != 0 && wanted != Meta.resourceVersion(current)) {
                    throw ApiException.conflict(type, name);
                  }
                  checkScale(patched, name);
                  target.setReplicas(obj, replicas(patched, name));
                  return obj;
                })
            .thenApply(updated -> Reply.json(200, target.toScale(updated)));
      }
      default ->
          throw ApiException.methodNotAllowed(
              "the scale subresource of "
                  + type.groupResource()
                  + " serves get, update and patch only");
    }
  }

  private static void checkScale(ObjectNode scale, String name) {
    String kind = scale.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals("Scale")) {
      throw ApiException.badRequest("the scale subresource takes a Scale, got kind " + kind);
    }
    String bodyName = Meta.name(scale);
    if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
  }

  /** spec.replicas of a Scale: absent means 0 (omitempty), negative or non-integer is 422. */
  private static long replicas(ObjectNode scale, String name) {
    JsonNode r = scale.path("spec").path("replicas");
    if (r.isMissingNode() || r.isNull()) {
      return 0;
    }
    boolean integral =
        r.isIntegralNumber() || (r.isNumber() && r.asDouble() == Math.rint(r.asDouble()));
    if (!integral || r.asLong() > Integer.MAX_VALUE) {
      throw ApiException.badRequest(
          "Scale in version \"v1\" cannot be handled as a Scale:"
              + " spec.replicas must be a 32-bit integer, got "
              + r);
    }
    if (r.asLong() < 0) {
      String body = "Invalid value: " + r.asLong() + ": must be greater than or equal to 0";
      throw new ApiException(
          422,
          "Invalid",
          "Scale.autoscaling \"" + name + "\" is invalid: " + "spec.replicas: " + body,
          "autoscaling",
          "Scale",
          name,
          List.of(new ApiException.Cause("FieldValueInvalid", "spec.replicas", body)));
    }
    return r.asLong();
  }
}
