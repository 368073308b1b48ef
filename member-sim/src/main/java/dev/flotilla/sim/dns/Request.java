package dev.flotilla.sim.dns;

import java.util.List;

/**
 * The parts of a query name below its zone, read as both CoreDNS plugins read them, from the right:
 * {@code svc}, namespace, service, then either {@code _port._proto} or an endpoint (and, in the
 * clusterset zone, its cluster). Port and protocol are {@code *} unless named.
 *
 * @param namespace null for the apex {@code svc.<zone>}
 * @param service null for {@code <ns>.svc.<zone>}
 */
record Request(
    String namespace,
    String service,
    String port,
    String protocol,
    String endpoint,
    String cluster) {

  /** True for names above a service: {@code svc.<zone>} or {@code <ns>.svc.<zone>}. */
  boolean apex() {
    return service == null;
  }

  /** The request, or null when the name cannot exist (pods, wrong shape). */
  static Request parse(List<String> labels, boolean clusterset) {
    int last = labels.size() - 1;
    // The zone itself, svc.<zone> and pod.<zone> exist (NODATA); below pod nothing does, since
    // pod records are off ("pods disabled"; the multicluster plugin has none).
    if (last < 0 || (last == 0 && labels.get(0).equals("pod"))) {
      return new Request(null, null, "*", "*", null, null);
    }
    if (!labels.get(last).equals("svc")) {
      return null;
    }
    if (last == 0) {
      return new Request(null, null, "*", "*", null, null);
    }
    String ns = labels.get(last - 1);
    if (last == 1) {
      return new Request(ns, null, "*", "*", null, null);
    }
    String svc = labels.get(last - 2);
    int left = last - 2; // labels before the service
    if (left == 0) {
      return new Request(ns, svc, "*", "*", null, null);
    }
    if (left == 2 && labels.get(0).startsWith("_") && labels.get(1).startsWith("_")) {
      return new Request(
          ns, svc, labels.get(0).substring(1), labels.get(1).substring(1), null, null);
    }
    if (!clusterset && left == 1) {
      return new Request(ns, svc, "*", "*", labels.get(0), null);
    }
    if (clusterset && left == 2) {
      return new Request(ns, svc, "*", "*", labels.get(0), labels.get(1));
    }
    return null;
  }
}
