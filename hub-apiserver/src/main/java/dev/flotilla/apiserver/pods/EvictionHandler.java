package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * POST {@code pods/<name>/eviction}: a policy/v1 (or v1beta1) Eviction deletes the pod unless that
 * would break the PodDisruptionBudget selecting it, as kube-apiserver's eviction REST decides: 429
 * TooManyRequests when the budget allows no disruption, 500 when more than one budget selects the
 * pod, and terminal, pending or unready pods go without spending the budget.
 */
final class EvictionHandler implements OperationHandler {
  static final String VIOLATION =
      "Cannot evict pod as it would violate the pod's disruption budget.";
  private static final Set<String> VERSIONS = Set.of("policy/v1", "policy/v1beta1");

  private final PodObjects objects;

  EvictionHandler(PodObjects objects) {
    this.objects = objects;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    if (!r.method().equals("POST")) {
      throw ApiException.methodNotAllowed("the eviction subresource of pods serves create only");
    }
    String ns = r.info().namespace();
    String name = r.info().name();
    ObjectNode eviction = r.bodyObject();
    checkEviction(eviction, ns, name);
    JsonNode body = eviction.get("deleteOptions");
    DeleteOptions options =
        DeleteOptions.from(body == null || body.isNull() ? null : body, null, r.dryRun());
    ObjectNode pod = objects.storage.get(objects.pods, ns, name);
    if (Meta.isDeleting(pod)) {
      return success();
    }
    // Checked before the budget is spent, so a stale eviction does not use up a disruption.
    options.checkPreconditions(objects.pods, name, pod);
    if (ignoresBudget(pod)) {
      return delete(ns, name, pinned(options, pod));
    }
    List<ObjectNode> budgets = objects.budgetsFor(pod, ns);
    if (budgets.size() > 1) {
      throw ApiException.internal(
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does"
              + " not support.");
    }
    if (budgets.isEmpty()) {
      return delete(ns, name, options);
    }
    ObjectNode pdb = budgets.get(0);
    DisruptionBudget now = budget(pdb, ns, Instant.now());
    boolean unready = !DisruptionBudget.ready(pod);
    if (unready
        && (now.currentHealthy() >= now.desiredHealthy() && now.desiredHealthy() > 0
            || "AlwaysAllow"
                .equals(pdb.path("spec").path("unhealthyPodEvictionPolicy").asText()))) {
      // An unready pod does not count as healthy: evicting it costs the budget nothing. The
      // pinned version makes the delete fail should it turn ready meanwhile.
      return delete(ns, name, pinned(options, pod));
    }
    // The decision and the record of it are one compare-and-swap on the budget, so two
    // concurrent evictions cannot both spend its last allowed disruption.
    return objects
        .storage
        .guaranteedUpdate(
            objects.budgets,
            ns,
            Meta.name(pdb),
            0,
            options.dryRun(),
            current -> spend(current, ns, name))
        .thenCompose(spent -> delete(ns, name, options));
  }

  private DisruptionBudget budget(ObjectNode pdb, String ns, Instant now) {
    List<ObjectNode> selected = objects.selected(pdb, ns);
    return DisruptionBudget.compute(pdb, selected, objects.scale(selected, ns), now);
  }

  private ObjectNode spend(ObjectNode pdb, String ns, String pod) {
    Instant now = Instant.now();
    DisruptionBudget budget = budget(pdb, ns, now);
    if (budget.disruptionsAllowed() == 0) {
      throw new ApiException(
          429,
          "TooManyRequests",
          VIOLATION,
          null,
          null,
          null,
          List.of(
              new ApiException.Cause(
                  "DisruptionBudget",
                  null,
                  "The disruption budget "
                      + Meta.name(pdb)
                      + " needs "
                      + budget.desiredHealthy()
                      + " healthy pods and has "
                      + budget.currentHealthy()
                      + " currently")));
    }
    DisruptionBudget after =
        new DisruptionBudget(
            budget.expectedPods(),
            budget.desiredHealthy(),
            budget.currentHealthy(),
            budget.disruptionsAllowed() - 1);
    after.writeStatus(pdb, Meta.now());
    // Tells the disruption arithmetic the pod is going, before it is gone.
    ((ObjectNode) pdb.get("status").get("disruptedPods")).put(pod, now.toString());
    return pdb;
  }

  /** Terminal and pending pods are no longer (or not yet) available: no budget guards them. */
  private static boolean ignoresBudget(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending");
  }

  /** The options, pinned to the pod's resourceVersion unless the caller pinned one. */
  private static DeleteOptions pinned(DeleteOptions options, ObjectNode pod) {
    if (options.preconditionResourceVersion() != null) {
      return options;
    }
    return new DeleteOptions(
        options.propagationPolicy(),
        options.preconditionUid(),
        Long.toString(Meta.resourceVersion(pod)),
        options.dryRun());
  }

  private CompletableFuture<Reply> delete(String ns, String name, DeleteOptions options) {
    return objects.storage.delete(objects.pods, ns, name, options).thenCompose(gone -> success());
  }

  private static CompletableFuture<Reply> success() {
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
    status.put("status", "Success").put("code", 201);
    return CompletableFuture.completedFuture(Reply.json(201, Json.write(status)));
  }

  private static void checkEviction(ObjectNode eviction, String ns, String name) {
    String apiVersion = eviction.path("apiVersion").asText("");
    String kind = eviction.path("kind").asText("");
    if (!kind.equals("Eviction") || !VERSIONS.contains(apiVersion)) {
      throw ApiException.badRequest(
          "the eviction subresource takes a policy/v1 Eviction (apiVersion policy/v1, kind"
              + " Eviction), got apiVersion \""
              + apiVersion
              + "\" kind \""
              + kind
              + "\"");
    }
    String bodyName = Meta.name(eviction);
    if (bodyName == null || !bodyName.equals(name)) {
      throw ApiException.badRequest("name in URL does not match name in Eviction object");
    }
    String bodyNs = Meta.namespace(eviction);
    if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(ns)) {
      throw ApiException.badRequest(
          "the namespace of the provided object ("
              + bodyNs
              + ") does not match the namespace sent on the request ("
              + ns
              + ")");
    }
  }
}
