package dev.flotilla.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.sim.endpoints.EndpointShapes;
import dev.flotilla.sim.endpoints.EndpointsController;
import dev.flotilla.sim.engine.Kinds;
import dev.flotilla.sim.engine.SimContext;
import dev.flotilla.sim.engine.SimThreads;
import dev.flotilla.sim.engine.Writes;
import dev.flotilla.sim.nodes.NodeController;
import dev.flotilla.sim.nodes.NodeSummary;
import dev.flotilla.sim.pods.Kubelet;
import dev.flotilla.sim.pods.PodAddresses;
import dev.flotilla.sim.services.ServiceAddresses;
import dev.flotilla.sim.services.ServiceAdmission;
import dev.flotilla.sim.workloads.DaemonSetController;
import dev.flotilla.sim.workloads.DeploymentController;
import dev.flotilla.sim.workloads.ReplicaSetController;
import dev.flotilla.sim.workloads.StatefulSetController;
import dev.flotilla.sim.workloads.WorkloadAdmission;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Makes a member API server look like a cluster where everything runs (kwok-like), in-process
 * against its {@link ResourceStorage}: Ready nodes, ClusterIPs and NodePorts, Deployments,
 * ReplicaSets, StatefulSets and DaemonSets with running pods that have IPs, and EndpointSlices and
 * Endpoints for Services. Controllers are level-based: store watches only enqueue keys.
 */
public final class WorkloadSimulator implements AutoCloseable {
  private final MemberCluster cluster;
  private final ResourceStorage storage;
  private final ServiceAddresses serviceAddresses;
  private final PodAddresses podAddresses;
  private final SimThreads sharedThreads;
  private SimContext ctx;

  /** A simulator with threads of its own. */
  public WorkloadSimulator(MemberCluster cluster, ResourceStorage storage) {
    this(cluster, storage, null);
  }

  /** A simulator on threads shared with other members ({@code null}: its own). */
  public WorkloadSimulator(MemberCluster cluster, ResourceStorage storage, SimThreads shared) {
    this.cluster = cluster;
    this.storage = storage;
    this.sharedThreads = shared;
    this.serviceAddresses = new ServiceAddresses(cluster.serviceCidr());
    this.podAddresses = new PodAddresses(cluster.podCidr());
  }

  public MemberCluster cluster() {
    return cluster;
  }

  /**
   * Learns which addresses are taken, installs Service and workload admission, starts the
   * controllers and brings the nodes up. Call before the API server serves requests, so no Service
   * is stored without a ClusterIP.
   */
  public synchronized WorkloadSimulator start() {
    if (ctx != null) {
      throw new IllegalStateException("the simulator of " + cluster.name() + " already started");
    }
    ctx =
        sharedThreads == null
            ? new SimContext(cluster.name(), storage)
            : new SimContext(cluster.name(), storage, sharedThreads);
    Kinds kinds = ctx.kinds();
    ctx.events().on(kinds.services(), serviceAddresses::onServiceChange);
    NodeController nodes = new NodeController(ctx, cluster);
    Kubelet kubelet = new Kubelet(ctx, podAddresses);
    new ReplicaSetController(ctx, kubelet);
    new DeploymentController(ctx);
    new StatefulSetController(ctx, kubelet);
    new DaemonSetController(ctx, kubelet);
    new EndpointsController(ctx);
    ctx.events().start();
    storage.addHook(kinds.services().groupResource(), new ServiceAdmission(serviceAddresses));
    WorkloadAdmission workloads = new WorkloadAdmission();
    storage.addHook(kinds.deployments().groupResource(), workloads);
    storage.addHook(kinds.replicaSets().groupResource(), workloads);
    storage.addHook(kinds.statefulSets().groupResource(), workloads);
    storage.addHook(kinds.daemonSets().groupResource(), workloads);
    nodes.ensureNodes();
    return this;
  }

  /**
   * Publishes the API server as clusters do: Service {@code default/kubernetes} on the first
   * ClusterIP, port 443 to {@code port}, with its Endpoints and EndpointSlice. Needs the "default"
   * namespace, so call once the API server has started.
   */
  public void publishApiServer(int port) {
    Kinds kinds = requireStarted().kinds();
    Writes writes = ctx.writes();
    ObjectNode svc = Json.MAPPER.createObjectNode();
    ObjectNode meta = svc.putObject("metadata");
    meta.put("name", "kubernetes");
    meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP");
    spec.put("clusterIP", serviceAddresses.apiServerIp());
    spec.putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", 443)
        .put("protocol", "TCP")
        .put("targetPort", port);
    ensure(
        kinds.services(),
        svc,
        s -> {
          s.with("spec").set("ports", spec.get("ports").deepCopy());
          return s;
        });

    ObjectNode slice = Json.MAPPER.createObjectNode();
    slice
        .putObject("metadata")
        .put("name", "kubernetes")
        .putObject("labels")
        .put(EndpointShapes.SERVICE_NAME, "kubernetes");
    slice.put("addressType", "IPv4");
    ObjectNode endpoint = slice.putArray("endpoints").addObject();
    endpoint.putArray("addresses").add("127.0.0.1");
    endpoint
        .putObject("conditions")
        .put("ready", true)
        .put("serving", true)
        .put("terminating", false);
    slice
        .putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", port)
        .put("protocol", "TCP");
    ensure(
        kinds.endpointSlices(),
        slice,
        s -> {
          s.set("endpoints", slice.get("endpoints").deepCopy());
          s.set("ports", slice.get("ports").deepCopy());
          return s;
        });

    ObjectNode endpoints = Json.MAPPER.createObjectNode();
    endpoints
        .putObject("metadata")
        .put("name", "kubernetes")
        .putObject("labels")
        .put(EndpointShapes.SKIP_MIRROR, "true");
    ObjectNode subset = endpoints.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", "127.0.0.1");
    subset
        .putArray("ports")
        .addObject()
        .put("name", "https")
        .put("port", port)
        .put("protocol", "TCP");
    ensure(
        kinds.endpoints(),
        endpoints,
        e -> {
          e.set("subsets", endpoints.get("subsets").deepCopy());
          return e;
        });
  }

  /** Creates {@code obj} in "default", or brings an existing one up to date with {@code update}. */
  private void ensure(ResourceType type, ObjectNode obj, UnaryOperator<ObjectNode> update) {
    Optional<ObjectNode> existing = ctx.reader().get(type, "default", Meta.name(obj));
    if (existing.isEmpty()) {
      Writes.await(ctx.writes().create(type, "default", obj));
    } else {
      Writes.await(ctx.writes().patch(type, "default", Meta.name(obj), update));
    }
  }

  /** The member's nodes and resources as a Karmada Cluster status would summarize them. */
  public NodeSummary nodeSummary() {
    Kinds kinds = requireStarted().kinds();
    return NodeSummary.of(
        ctx.reader().list(kinds.nodes(), null), ctx.reader().list(kinds.pods(), null));
  }

  private synchronized SimContext requireStarted() {
    if (ctx == null) {
      throw new IllegalStateException("the simulator of " + cluster.name() + " is not started");
    }
    return ctx;
  }

  @Override
  public synchronized void close() {
    if (ctx != null) {
      ctx.close();
    }
  }
}
