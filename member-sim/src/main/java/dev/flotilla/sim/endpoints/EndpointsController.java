package dev.flotilla.sim.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Change;
import dev.flotilla.sim.engine.KeyQueue;
import dev.flotilla.sim.engine.Keys;
import dev.flotilla.sim.engine.Same;
import dev.flotilla.sim.engine.SimContext;
import dev.flotilla.sim.engine.Writes;
import dev.flotilla.sim.nodes.NodeShapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The endpointslice and endpoints controllers of kube-controller-manager in one, keyed by Service:
 * a Service with a selector has one managed EndpointSlice ({@link EndpointShapes}) and an Endpoints
 * object, updated whenever the Service, a selected pod or the slice itself changes.
 */
public final class EndpointsController {
  public static final String NAME = "sim-endpointslice-controller";

  private final SimContext ctx;
  private final KeyQueue queue;

  public EndpointsController(SimContext ctx) {
    this.ctx = ctx;
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events().on(ctx.kinds().services(), change -> queue.add(change.key()));
    ctx.events().on(ctx.kinds().pods(), this::onPodChange);
    ctx.events()
        .on(
            ctx.kinds().endpointSlices(),
            change -> {
              JsonNode labels = change.latest().path("metadata").path("labels");
              if (EndpointShapes.CONTROLLER.equals(
                  labels.path(EndpointShapes.MANAGED_BY).asText())) {
                queue.add(
                    Keys.of(change.namespace(), labels.path(EndpointShapes.SERVICE_NAME).asText()));
              }
            });
    ctx.events()
        .on(
            ctx.kinds().endpoints(),
            change -> {
              if (change.deleted()
                  || change
                      .latest()
                      .path("metadata")
                      .path("labels")
                      .has(EndpointShapes.SKIP_MIRROR)) {
                queue.add(change.key());
              }
            });
  }

  /** A pod matters to every Service in its namespace that selects it, before or after. */
  private void onPodChange(Change change) {
    for (ObjectNode svc : ctx.reader().list(ctx.kinds().services(), change.namespace())) {
      Map<String, String> selector = EndpointShapes.selector(svc);
      if (selector.isEmpty()) {
        continue;
      }
      if ((change.oldObject() != null && EndpointShapes.selects(selector, change.oldObject()))
          || (change.newObject() != null && EndpointShapes.selects(selector, change.newObject()))) {
        queue.add(Keys.of(svc));
      }
    }
  }

  long reconcile(String key) {
    String namespace = Keys.namespace(key);
    String name = Keys.name(key);
    ObjectNode svc = ctx.reader().get(ctx.kinds().services(), namespace, name).orElse(null);
    if (svc == null) {
      // Slices go with their owner (garbage collection); Endpoints have no owner upstream.
      if (ctx.reader().get(ctx.kinds().endpoints(), namespace, name).isPresent()) {
        Writes.await(ctx.writes().delete(ctx.kinds().endpoints(), namespace, name));
      }
      return KeyQueue.DONE;
    }
    if (Meta.isDeleting(svc)) {
      return KeyQueue.DONE;
    }
    Map<String, String> selector = EndpointShapes.selector(svc);
    List<CompletableFuture<ObjectNode>> writes = Writes.batch();
    if (selector.isEmpty()) {
      // Without a selector the slices are the user's; only ours from an earlier selector go.
      for (ObjectNode slice : managedSlices(svc)) {
        writes.add(ctx.writes().delete(ctx.kinds().endpointSlices(), namespace, Meta.name(slice)));
      }
      Writes.await(writes);
      return KeyQueue.DONE;
    }
    List<ObjectNode> pods = new ArrayList<>();
    for (ObjectNode pod : ctx.reader().list(ctx.kinds().pods(), namespace)) {
      if (EndpointShapes.selects(selector, pod)) {
        pods.add(pod);
      }
    }
    ObjectNode desired = EndpointShapes.slice(svc, pods, zones());
    syncSlice(svc, desired, writes);
    syncEndpoints(EndpointShapes.endpoints(svc, pods), writes);
    Writes.await(writes);
    return KeyQueue.DONE;
  }

  private List<ObjectNode> managedSlices(ObjectNode svc) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode slice : ctx.reader().list(ctx.kinds().endpointSlices(), Meta.namespace(svc))) {
      Map<String, String> labels = Meta.labels(slice);
      if (Meta.name(svc).equals(labels.get(EndpointShapes.SERVICE_NAME))
          && EndpointShapes.CONTROLLER.equals(labels.get(EndpointShapes.MANAGED_BY))) {
        out.add(slice);
      }
    }
    return out;
  }

  private Map<String, String> zones() {
    Map<String, String> out = new HashMap<>();
    for (ObjectNode node : ctx.reader().list(ctx.kinds().nodes(), null)) {
      String zone = NodeShapes.zone(node);
      if (zone != null) {
        out.put(Meta.name(node), zone);
      }
    }
    return out;
  }

  private static final String[] SLICE_FIELDS = {"addressType", "endpoints", "ports"};

  private void syncSlice(
      ObjectNode svc, ObjectNode desired, List<CompletableFuture<ObjectNode>> writes) {
    String namespace = Meta.namespace(svc);
    String sliceName = Meta.name(desired);
    for (ObjectNode slice : managedSlices(svc)) {
      if (!Meta.name(slice).equals(sliceName)) {
        writes.add(ctx.writes().delete(ctx.kinds().endpointSlices(), namespace, Meta.name(slice)));
      }
    }
    Optional<ObjectNode> existing =
        ctx.reader().get(ctx.kinds().endpointSlices(), namespace, sliceName);
    if (existing.isEmpty()) {
      writes.add(ctx.writes().create(ctx.kinds().endpointSlices(), namespace, desired));
      return;
    }
    if (!sameContent(existing.get(), desired, SLICE_FIELDS)) {
      writes.add(
          ctx.writes()
              .patch(
                  ctx.kinds().endpointSlices(),
                  namespace,
                  sliceName,
                  slice -> copyContent(desired, slice, SLICE_FIELDS)));
    }
  }

  private void syncEndpoints(ObjectNode desired, List<CompletableFuture<ObjectNode>> writes) {
    String namespace = Meta.namespace(desired);
    String name = Meta.name(desired);
    Optional<ObjectNode> existing = ctx.reader().get(ctx.kinds().endpoints(), namespace, name);
    String[] fields = {"subsets"};
    if (existing.isEmpty()) {
      writes.add(ctx.writes().create(ctx.kinds().endpoints(), namespace, desired));
    } else if (!sameContent(existing.get(), desired, fields)) {
      writes.add(
          ctx.writes()
              .patch(
                  ctx.kinds().endpoints(),
                  namespace,
                  name,
                  ep -> copyContent(desired, ep, fields)));
    }
  }

  /** Labels, controller reference and {@code fields} equal. */
  private static boolean sameContent(ObjectNode actual, ObjectNode desired, String[] fields) {
    JsonNode meta = actual.path("metadata");
    JsonNode want = desired.path("metadata");
    if (!Same.json(meta.path("labels"), want.path("labels"))
        || !Same.json(meta.path("ownerReferences"), want.path("ownerReferences"))) {
      return false;
    }
    for (String f : fields) {
      if (!Same.json(actual.path(f), desired.path(f))) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode copyContent(ObjectNode from, ObjectNode to, String[] fields) {
    ObjectNode meta = Meta.metadata(to);
    JsonNode want = from.path("metadata");
    meta.set("labels", want.path("labels").deepCopy());
    if (want.has("ownerReferences")) {
      meta.set("ownerReferences", want.get("ownerReferences").deepCopy());
    } else {
      meta.remove("ownerReferences");
    }
    for (String f : fields) {
      if (from.has(f)) {
        to.set(f, from.get(f).deepCopy());
      } else {
        to.remove(f);
      }
    }
    return to;
  }
}
