package dev.flotilla.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cluster health from agent leases, as Karmada's cluster controller: every Cluster gets its
 * execution namespace; a Pull cluster whose lease expired goes Ready=Unknown with the {@code
 * cluster.karmada.io/unreachable} taint, a Ready=False one gets {@code
 * cluster.karmada.io/not-ready}: NoSchedule at once, and NoExecute (so the taint manager evicts
 * what does not tolerate it) once it has stayed so for the failover eviction timeout. The taints go
 * when the cluster is healthy again. A deleted (unjoined) Cluster's execution namespace is
 * released, and only then: see {@link ExecutionSpaceRelease}.
 */
public final class ClusterHealthController implements Reconciler, AutoCloseable {
  public static final String NAME = "cluster-controller";
  static final String UNREACHABLE = "cluster.karmada.io/unreachable";
  static final String NOT_READY = "cluster.karmada.io/not-ready";
  static final String LEASE_NAMESPACE = "karmada-cluster";
  private static final Duration DEFAULT_LEASE = Duration.ofSeconds(40);

  private final KubernetesClient hub;
  private final Duration failoverEvictionTimeout;
  private final Controller controller;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;

  /** Clusters whose delete the informer delivered, until their execution space is released. */
  private final Set<String> departed = ConcurrentHashMap.newKeySet();

  private final SharedIndexInformer<Lease> leases;

  /**
   * Namespaces, watched: an execution namespace is checked in this cache on every reconcile, and a
   * deleted one queues its cluster. (Reading each one from the hub once a minute per cluster was 16
   * reads a second at 1,000 clusters.)
   */
  private final SharedIndexInformer<io.fabric8.kubernetes.api.model.Namespace> namespaces;

  public ClusterHealthController(KubernetesClient hub, Duration failoverEvictionTimeout) {
    this.hub = hub;
    this.failoverEvictionTimeout = failoverEvictionTimeout;
    this.controller = new Controller(NAME, this, 1);
    this.clusters =
        hub.genericKubernetesResources(Kinds.CLUSTER).inform(new DeletesSeen(controller));
    this.leases =
        hub.leases()
            .inNamespace(LEASE_NAMESPACE)
            .inform(new EnqueueHandler<>(controller, l -> List.of(l.getMetadata().getName())));
    this.namespaces =
        hub.namespaces()
            .inform(
                new EnqueueHandler<io.fabric8.kubernetes.api.model.Namespace>(
                        controller, ns -> clusterOf(ns.getMetadata().getName()))
                    .onlyIf((a, b) -> b.getMetadata().getDeletionTimestamp() != null));
    controller.start();
  }

  @Override
  public Result reconcile(String name) {
    GenericKubernetesResource cached = clusters.getIndexer().getByKey(name);
    if (cached == null) {
      Result released = ExecutionSpaceRelease.release(hub, name, departed.contains(name));
      if (released == Result.DONE) {
        departed.remove(name);
      }
      return released;
    }
    departed.remove(name);
    ObjectNode cluster = Trees.tree(cached);
    ensureExecutionNamespace(name);
    if (!"Pull".equals(Trees.text(cluster, "spec", "syncMode"))) {
      return Result.DONE;
    }
    Lease lease = leases.getIndexer().getByKey(LEASE_NAMESPACE + "/" + name);
    Instant expiry = leaseExpiry(lease, cluster);
    boolean expired = expiry.isBefore(Instant.now());
    if (expired) {
      markUnknown(name, cluster);
    }
    String ready = readyStatus(cluster);
    boolean wantUnreachable = expired;
    boolean wantNotReady = !expired && "False".equals(ready);
    Duration noExecuteDue = updateTaints(name, cluster, wantUnreachable, wantNotReady);
    Duration next =
        expired ? Duration.ofSeconds(5) : Duration.between(Instant.now(), expiry).plusMillis(200);
    return Result.after(
        noExecuteDue != null && noExecuteDue.compareTo(next) < 0 ? noExecuteDue : next);
  }

  private Instant leaseExpiry(Lease lease, ObjectNode cluster) {
    if (lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null) {
      String created = Trees.text(cluster, "metadata", "creationTimestamp");
      return (created == null ? Instant.now() : Instant.parse(created)).plus(DEFAULT_LEASE);
    }
    int seconds =
        lease.getSpec().getLeaseDurationSeconds() == null
            ? (int) DEFAULT_LEASE.toSeconds()
            : lease.getSpec().getLeaseDurationSeconds();
    return lease.getSpec().getRenewTime().toInstant().plusSeconds(seconds);
  }

  private static String readyStatus(JsonNode cluster) {
    for (JsonNode c : cluster.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return null;
  }

  private void markUnknown(String name, ObjectNode cluster) {
    if ("Unknown".equals(readyStatus(cluster))) {
      return;
    }
    ObjectNode status = cluster.with("status");
    ArrayNode conditions = status.withArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if ("Ready".equals(conditions.get(i).path("type").asText())) {
        conditions.remove(i);
      }
    }
    ObjectNode c = conditions.addObject();
    c.put("type", "Ready");
    c.put("status", "Unknown");
    c.put("reason", "ClusterStatusUnknown");
    c.put(
        "message",
        "Cluster status controller stopped posting cluster status: the agent's lease expired.");
    c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    hub.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(cluster)).updateStatus();
  }

  /**
   * Brings the health taints in line: NoSchedule at once, NoExecute once the cluster has been
   * unhealthy (since the NoSchedule taint's timeAdded) for the failover eviction timeout. Returns
   * when to look again for a NoExecute taint still to come, or null.
   */
  private Duration updateTaints(
      String name, ObjectNode cluster, boolean unreachable, boolean notReady) {
    ArrayNode taints = cluster.with("spec").withArray("taints");
    Instant now = Instant.now();
    java.util.List<String[]> wanted = new java.util.ArrayList<>();
    Duration recheck = null;
    for (String key : List.of(UNREACHABLE, NOT_READY)) {
      if (!(key.equals(UNREACHABLE) ? unreachable : notReady)) {
        continue;
      }
      wanted.add(new String[] {key, "NoSchedule"});
      JsonNode noSchedule = find(taints, key, "NoSchedule");
      Instant since = noSchedule == null ? now : timeAdded(noSchedule, now);
      Duration left = Duration.between(now, since.plus(failoverEvictionTimeout));
      if (left.isNegative() || left.isZero()) {
        wanted.add(new String[] {key, "NoExecute"});
      } else if (recheck == null || left.compareTo(recheck) < 0) {
        recheck = left.plusMillis(100);
      }
    }
    ArrayNode next = taints.arrayNode();
    boolean changed = false;
    for (JsonNode t : taints) {
      String key = t.path("key").asText();
      boolean health = key.equals(UNREACHABLE) || key.equals(NOT_READY);
      // While the cluster is unhealthy in this way, every taint of the key stays, whatever put it
      // there (a ClusterTaintPolicy may add the NoExecute one before the timeout): removing it
      // would fight that policy. Once healthy, the key's taints go.
      boolean keep = !health || (key.equals(UNREACHABLE) ? unreachable : notReady);
      if (keep) {
        next.add(t);
      } else {
        changed = true;
      }
    }
    for (String[] w : wanted) {
      if (find(taints, w[0], w[1]) == null) {
        next.add(taint(next, w[0], w[1], now));
        changed = true;
      }
    }
    if (!changed) {
      return recheck;
    }
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    patch.with("spec").set("taints", next);
    dev.flotilla.controller.runtime.MergePatch.apply(
        hub, Kinds.CLUSTER, null, name, null, patch.toString());
    return recheck;
  }

  private static JsonNode find(ArrayNode taints, String key, String effect) {
    for (JsonNode t : taints) {
      if (key.equals(t.path("key").asText()) && effect.equals(t.path("effect").asText())) {
        return t;
      }
    }
    return null;
  }

  private static Instant timeAdded(JsonNode taint, Instant otherwise) {
    try {
      return Instant.parse(taint.path("timeAdded").asText(""));
    } catch (java.time.format.DateTimeParseException e) {
      return otherwise;
    }
  }

  private static ObjectNode taint(ArrayNode factory, String key, String effect, Instant now) {
    ObjectNode t = factory.objectNode();
    t.put("key", key);
    t.put("effect", effect);
    t.put("timeAdded", now.truncatedTo(ChronoUnit.SECONDS).toString());
    return t;
  }

  /** The cluster whose execution namespace {@code namespace} is, as a queue key. */
  private static List<String> clusterOf(String namespace) {
    return namespace.startsWith(EXECUTION_PREFIX)
        ? List.of(namespace.substring(EXECUTION_PREFIX.length()))
        : List.of();
  }

  private static final String EXECUTION_PREFIX = Names.EXECUTION_NAMESPACE_PREFIX;

  private void ensureExecutionNamespace(String cluster) {
    String ns = Names.executionNamespace(cluster);
    io.fabric8.kubernetes.api.model.Namespace existing = namespaces.getIndexer().getByKey(ns);
    if (existing != null) {
      return; // present, or terminating: its deletion queues the cluster, which creates it again
    }
    try {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e; // 409: made meanwhile, not in the cache yet
      }
    }
  }

  /** Enqueues every Cluster event, and notes deletes first so that the reconcile sees them. */
  private final class DeletesSeen implements ResourceEventHandler<GenericKubernetesResource> {
    private final EnqueueHandler<GenericKubernetesResource> enqueue;

    DeletesSeen(Controller controller) {
      this.enqueue = EnqueueHandler.self(controller);
    }

    @Override
    public void onAdd(GenericKubernetesResource obj) {
      enqueue.onAdd(obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      enqueue.onUpdate(oldObj, newObj);
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      departed.add(obj.getMetadata().getName());
      enqueue.onDelete(obj, deletedFinalStateUnknown);
    }
  }

  @Override
  public void close() {
    clusters.close();
    leases.close();
    namespaces.close();
    controller.close();
  }
}
