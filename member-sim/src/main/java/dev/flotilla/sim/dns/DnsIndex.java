package dev.flotilla.sim.dns;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a member's DNS answers from, kept in memory from the member's store: namespaces, Services,
 * EndpointSlices (by {@code kubernetes.io/service-name} and by {@code
 * multicluster.kubernetes.io/service-name}), ServiceImports and the zones of the coredns Corefile.
 * Updated by one thread; read by any (every value is immutable), so a query never waits.
 */
public final class DnsIndex {
  static final String KUBE_SERVICE_NAME = "kubernetes.io/service-name";
  static final String MCS_SERVICE_NAME = "multicluster.kubernetes.io/service-name";
  static final String MCS_SOURCE_CLUSTER = "multicluster.kubernetes.io/source-cluster";

  /** A port as a Service, EndpointSlice or ServiceImport lists it. */
  public record Port(String name, int port, String protocol) {}

  /** What DNS needs of a Service. */
  public record Service(
      String type, String externalName, boolean headless, List<String> ips, List<Port> ports) {}

  /** One address of an endpoint, with the endpoint's hostname (null when it has none). */
  public record Address(String ip, String hostname, boolean ready) {}

  /** What DNS needs of an EndpointSlice. */
  public record Slice(String sourceCluster, List<Address> addresses, List<Port> ports) {}

  /** What DNS needs of a ServiceImport. */
  public record Import(boolean headless, List<String> ips, List<Port> ports) {}

  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<String, Service> services = new ConcurrentHashMap<>();
  private final Map<String, Import> imports = new ConcurrentHashMap<>();

  /** ns/service -> slice name -> slice, for cluster.local. */
  private final Map<String, Map<String, Slice>> slicesOfService = new ConcurrentHashMap<>();

  /** ns/service -> slice name -> slice, for clusterset.local (MCS-labelled slices). */
  private final Map<String, Map<String, Slice>> slicesOfImport = new ConcurrentHashMap<>();

  /** slice ns/name -> the keys it is filed under, to unfile it when it changes. */
  private final Map<String, List<String>> sliceFiling = new ConcurrentHashMap<>();

  private volatile Corefile corefile = Corefile.DEFAULT;
  private final AtomicLong serial = new AtomicLong(System.currentTimeMillis() / 1000);

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  // ---- updates (one thread) ----

  void namespace(String name, boolean exists) {
    if (exists) {
      namespaces.add(name);
    } else {
      namespaces.remove(name);
    }
    serial.incrementAndGet();
  }

  void service(String namespace, String name, JsonNode svc) {
    if (svc == null) {
      services.remove(key(namespace, name));
    } else {
      JsonNode spec = svc.path("spec");
      String clusterIp = spec.path("clusterIP").asText("");
      List<String> ips = new ArrayList<>();
      spec.path("clusterIPs").forEach(ip -> ips.add(ip.asText()));
      if (ips.isEmpty() && !clusterIp.isEmpty()) {
        ips.add(clusterIp);
      }
      boolean headless = "None".equals(clusterIp);
      services.put(
          key(namespace, name),
          new Service(
              spec.path("type").asText("ClusterIP"),
              spec.path("externalName").asText(null),
              headless,
              headless ? List.of() : List.copyOf(ips),
              ports(spec.path("ports"))));
    }
    serial.incrementAndGet();
  }

  void endpointSlice(String namespace, String name, JsonNode slice) {
    String id = key(namespace, name);
    List<String> old = sliceFiling.remove(id);
    if (old != null) {
      for (String filed : old) {
        Map<String, Map<String, Slice>> index =
            filed.startsWith("k:") ? slicesOfService : slicesOfImport;
        String svcKey = filed.substring(2);
        index.computeIfPresent(
            svcKey,
            (k, m) -> {
              m.remove(name);
              return m.isEmpty() ? null : m;
            });
      }
    }
    if (slice != null) {
      JsonNode labels = slice.path("metadata").path("labels");
      String source = labels.path(MCS_SOURCE_CLUSTER).asText(null);
      if (source == null) {
        source = slice.path("metadata").path("annotations").path(MCS_SOURCE_CLUSTER).asText(null);
      }
      List<Address> addresses = new ArrayList<>();
      for (JsonNode e : slice.path("endpoints")) {
        JsonNode ready = e.path("conditions").path("ready");
        // As the EndpointSlice API says: an unknown readiness is taken as ready.
        boolean isReady = ready.isMissingNode() || ready.isNull() || ready.asBoolean();
        String hostname = e.path("hostname").asText(null);
        e.path("addresses").forEach(a -> addresses.add(new Address(a.asText(), hostname, isReady)));
      }
      Slice view = new Slice(source, List.copyOf(addresses), ports(slice.path("ports")));
      List<String> filing = new ArrayList<>();
      String kube = labels.path(KUBE_SERVICE_NAME).asText(null);
      if (kube != null) {
        slicesOfService
            .computeIfAbsent(key(namespace, kube), k -> new ConcurrentHashMap<>())
            .put(name, view);
        filing.add("k:" + key(namespace, kube));
      }
      String mcs = labels.path(MCS_SERVICE_NAME).asText(null);
      if (mcs != null) {
        slicesOfImport
            .computeIfAbsent(key(namespace, mcs), k -> new ConcurrentHashMap<>())
            .put(name, view);
        filing.add("m:" + key(namespace, mcs));
      }
      if (!filing.isEmpty()) {
        sliceFiling.put(id, filing);
      }
    }
    serial.incrementAndGet();
  }

  void serviceImport(String namespace, String name, JsonNode si) {
    if (si == null) {
      imports.remove(key(namespace, name));
    } else {
      JsonNode spec = si.path("spec");
      List<String> ips = new ArrayList<>();
      spec.path("ips").forEach(ip -> ips.add(ip.asText()));
      imports.put(
          key(namespace, name),
          new Import(
              "Headless".equals(spec.path("type").asText()),
              List.copyOf(ips),
              ports(spec.path("ports"))));
    }
    serial.incrementAndGet();
  }

  void corefile(Corefile c) {
    corefile = c;
    serial.incrementAndGet();
  }

  private static List<Port> ports(JsonNode ports) {
    List<Port> out = new ArrayList<>();
    for (JsonNode p : ports) {
      out.add(
          new Port(
              p.path("name").asText(""), p.path("port").asInt(), p.path("protocol").asText("TCP")));
    }
    return List.copyOf(out);
  }

  // ---- reads (any thread) ----

  boolean namespaceExists(String name) {
    return namespaces.contains(name);
  }

  Service service(String namespace, String name) {
    return services.get(key(namespace, name));
  }

  Import serviceImport(String namespace, String name) {
    return imports.get(key(namespace, name));
  }

  Collection<Slice> slicesOfService(String namespace, String name) {
    Map<String, Slice> m = slicesOfService.get(key(namespace, name));
    return m == null ? List.of() : List.copyOf(m.values());
  }

  Collection<Slice> slicesOfImport(String namespace, String name) {
    Map<String, Slice> m = slicesOfImport.get(key(namespace, name));
    return m == null ? List.of() : List.copyOf(m.values());
  }

  Corefile corefile() {
    return corefile;
  }

  /** Changes with every update: the SOA serial. */
  long serial() {
    return serial.get();
  }
}
