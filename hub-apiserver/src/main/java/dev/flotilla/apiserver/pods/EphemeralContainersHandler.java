package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.apply.FieldManager;
import dev.flotilla.apiserver.apply.FieldManagers;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.NameValidation;
import dev.flotilla.apiserver.patch.PatchType;
import dev.flotilla.apiserver.patch.Patcher;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * GET, PUT and PATCH of {@code pods/<name>/ephemeralcontainers}: reads and answers the Pod; writes
 * change spec.ephemeralContainers only, which may gain containers but never lose or change one, as
 * kube-apiserver's ephemeral containers strategy and validation decide. A write that changes any
 * other part of the spec is refused rather than silently dropped. Every write type is served,
 * server-side apply included, and recorded in managedFields under subresource ephemeralcontainers.
 */
final class EphemeralContainersHandler implements OperationHandler {
  /** Container fields an ephemeral container may not set (upstream's validation). */
  private static final List<String> FORBIDDEN =
      List.of(
          "ports",
          "livenessProbe",
          "readinessProbe",
          "startupProbe",
          "lifecycle",
          "resources",
          "resizePolicy",
          "restartPolicy");

  private final PodObjects objects;
  private final SchemaNode podSchema;
  private final FieldManager fields;

  EphemeralContainersHandler(PodObjects objects) {
    this.objects = objects;
    this.podSchema = new Schemas(BuiltinCatalogue.get(), objects.storage).forType(objects.pods);
    this.fields = new FieldManager(objects.pods, podSchema, "ephemeralcontainers");
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String ns = r.info().namespace();
    String name = r.info().name();
    switch (r.method()) {
      case "GET", "HEAD" -> {
        return CompletableFuture.completedFuture(
            Reply.json(200, objects.storage.get(objects.pods, ns, name)));
      }
      case "PUT" -> {
        ObjectNode pod = r.bodyObject();
        String kind = pod.path("kind").asText("Pod");
        if (!kind.equals("Pod")) {
          throw ApiException.badRequest(
              "the ephemeralcontainers subresource takes a Pod, got " + kind);
        }
        String bodyName = Meta.name(pod);
        if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
          throw ApiException.badRequest(
              "the name of the object ("
                  + bodyName
                  + ") does not match the name on the URL ("
                  + name
                  + ")");
        }
        String manager =
            FieldManagers.resolve(
                r.param("fieldManager"), r.headers().get("User-Agent"), false, "UpdateOptions");
        return write(r, Meta.resourceVersion(pod), current -> fields.update(current, pod, manager));
      }
      case "PATCH" -> {
        if (r.body() == null || r.body().length() == 0) {
          throw ApiException.badRequest("the PATCH request needs a patch body");
        }
        PatchType type = PatchType.of(r.contentType());
        boolean apply = type == PatchType.APPLY;
        FieldManagers.checkForce(r.param("force") != null, apply);
        String manager =
            FieldManagers.resolve(
                r.param("fieldManager"), r.headers().get("User-Agent"), apply, "PatchOptions");
        byte[] patch = r.body().getBytes();
        if (apply) {
          // As the pods' own apply: ownership of spec.ephemeralContainers, conflicts unless forced.
          ObjectNode config = Json.parseObject(patch, true);
          if (config.path("kind").asText("").isEmpty()
              || config.path("apiVersion").asText("").isEmpty()) {
            throw ApiException.badRequest("an apply configuration must set apiVersion and kind");
          }
          boolean force = r.flag("force");
          return write(r, 0, current -> fields.apply(current, config, manager, force));
        }
        return write(
            r,
            0,
            current ->
                fields.update(current, Patcher.apply(type, current, patch, podSchema), manager));
      }
      default ->
          throw ApiException.methodNotAllowed(
              "the ephemeralcontainers subresource of pods serves get, update and patch only");
    }
  }

  private CompletableFuture<Reply> write(
      ApiRequest r, long expectedRv, java.util.function.UnaryOperator<ObjectNode> desired) {
    String name = r.info().name();
    return objects
        .storage
        .guaranteedUpdate(
            objects.pods,
            r.info().namespace(),
            name,
            expectedRv,
            r.dryRun(),
            current -> {
              ObjectNode wanted = desired.apply(current.deepCopy());
              JsonNode list = wanted.path("spec").path("ephemeralContainers");
              validate(name, current, wanted);
              JsonNode before = current.path("spec").path("ephemeralContainers");
              boolean unchanged =
                  (list.isMissingNode() || list.isNull())
                      ? before.isMissingNode() || before.isNull()
                      : list.equals(before);
              if (unchanged) {
                // Only spec.ephemeralContainers is written here; a request that changes nothing
                // else (metadata it may not touch is dropped) writes nothing, managedFields
                // included, as upstream's no-op update (the fuzz found a bumped revision).
                return current;
              }
              ObjectNode spec = (ObjectNode) current.path("spec");
              if (list.isMissingNode() || list.isNull()) {
                spec.remove("ephemeralContainers");
              } else {
                spec.set("ephemeralContainers", list.deepCopy());
              }
              JsonNode managed = wanted.path("metadata").get("managedFields");
              if (managed != null) {
                Meta.metadata(current).set("managedFields", managed);
              }
              return current;
            })
        .thenApply(obj -> Reply.json(200, obj));
  }

  private void validate(String name, ObjectNode current, ObjectNode wanted) {
    List<ApiException.Cause> causes = new ArrayList<>();
    ObjectNode otherWanted =
        wanted.path("spec").isObject() ? ((ObjectNode) wanted.get("spec")).deepCopy() : null;
    ObjectNode otherCurrent = ((ObjectNode) current.path("spec")).deepCopy();
    if (otherWanted == null) {
      throw ApiException.invalid(objects.pods, name, "spec", "Required value: the Pod's spec");
    }
    otherWanted.remove("ephemeralContainers");
    otherCurrent.remove("ephemeralContainers");
    if (!otherWanted.equals(otherCurrent)) {
      causes.add(
          forbidden(
              "spec",
              "only spec.ephemeralContainers may change through the ephemeralcontainers"
                  + " subresource"));
    }
    JsonNode list = wanted.path("spec").path("ephemeralContainers");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw ApiException.invalid(
          objects.pods, name, "spec.ephemeralContainers", "Invalid value: must be a list");
    }
    Map<String, JsonNode> before = new HashMap<>();
    for (JsonNode c : current.path("spec").path("ephemeralContainers")) {
      before.put(c.path("name").asText(), c);
    }
    Set<String> names = new HashSet<>();
    Set<String> targets = new HashSet<>();
    for (String field : List.of("containers", "initContainers")) {
      for (JsonNode c : current.path("spec").path(field)) {
        names.add(c.path("name").asText());
        targets.add(c.path("name").asText());
      }
    }
    Set<String> kept = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String path = "spec.ephemeralContainers[" + i + "]";
      if (!c.isObject()) {
        causes.add(invalid(path, "must be a container object"));
        continue;
      }
      String cname = c.path("name").asText("");
      JsonNode old = before.get(cname);
      if (old != null) {
        kept.add(cname);
        if (!old.equals(c)) {
          causes.add(
              forbidden(
                  "spec.ephemeralContainers",
                  "existing ephemeral containers \"" + cname + "\" may not be changed"));
        }
        names.add(cname);
        continue;
      }
      newContainer(c, path, cname, names, targets, causes);
    }
    for (String gone : before.keySet()) {
      if (!kept.contains(gone)) {
        causes.add(
            forbidden(
                "spec.ephemeralContainers",
                "existing ephemeral containers \"" + gone + "\" may not be removed"));
      }
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid(objects.pods, name, causes);
    }
  }

  private static void newContainer(
      JsonNode c,
      String path,
      String cname,
      Set<String> names,
      Set<String> targets,
      List<ApiException.Cause> causes) {
    if (cname.isEmpty()) {
      causes.add(new ApiException.Cause("FieldValueRequired", path + ".name", "Required value"));
    } else {
      for (String problem : NameValidation.check(cname, true)) {
        causes.add(invalid(path + ".name", "\"" + cname + "\": " + problem));
      }
      if (!names.add(cname)) {
        causes.add(
            new ApiException.Cause(
                "FieldValueDuplicate", path + ".name", "Duplicate value: \"" + cname + "\""));
      }
    }
    if (c.path("image").asText("").isBlank()) {
      causes.add(new ApiException.Cause("FieldValueRequired", path + ".image", "Required value"));
    }
    for (String field : FORBIDDEN) {
      JsonNode v = c.path(field);
      // Go's zero value is "not set": kubectl debug sends "resources": {}.
      boolean set = !v.isMissingNode() && !v.isNull() && !(v.isContainerNode() && v.isEmpty());
      if (set && !(v.isTextual() && v.asText().isEmpty())) {
        causes.add(forbidden(path + "." + field, "cannot be set for an Ephemeral Container"));
      }
    }
    String target = c.path("targetContainerName").asText("");
    if (!target.isEmpty() && !targets.contains(target)) {
      causes.add(
          new ApiException.Cause(
              "FieldValueNotFound",
              path + ".targetContainerName",
              "Not found: \"" + target + "\""));
    }
  }

  private static ApiException.Cause forbidden(String field, String why) {
    return new ApiException.Cause("FieldValueForbidden", field, "Forbidden: " + why);
  }

  private static ApiException.Cause invalid(String field, String why) {
    return new ApiException.Cause("FieldValueInvalid", field, "Invalid value: " + why);
  }
}
