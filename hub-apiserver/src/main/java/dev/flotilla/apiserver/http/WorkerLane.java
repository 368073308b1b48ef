package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.concurrent.RankedWorkers;
import java.util.concurrent.Executor;

/**
 * Which lane of the API workers a request waits in (see {@link RankedWorkers}), from its method and
 * path alone, so it is chosen before the request is routed.
 */
enum WorkerLane {
  /** Leases (cluster heartbeats, leader election): a burst of writes must not make one lapse. */
  URGENT,
  /** Everything not named below. */
  ORDINARY,
  /**
   * Work creates, updates and patches: the per-cluster fan-out, served after the writes that lead
   * to it. Not reads (an agent's list or watch set-up is what lets it apply the Works written) and
   * not deletes (a removal frees the members and is no fan-out); not Work status either: an agent's
   * report finishes a template's distribution, and held back it spread each binding's reports over
   * a longer time, so its aggregated status was written more often.
   */
  BULK;

  /** Where Lease objects live: {@code coordination.k8s.io} serves only leases (and candidates). */
  private static final String LEASES = "/apis/coordination.k8s.io/";

  private static final String WORK_GROUP = "/apis/work.karmada.io/";

  /** The lane of a request; {@code method} upper case, {@code path} the raw request path. */
  static WorkerLane of(String method, String path) {
    if (path.startsWith(LEASES)) {
      return URGENT;
    }
    return isWorkWrite(method, path) ? BULK : ORDINARY;
  }

  /** This lane of {@code workers} (the pool itself when it has no lanes). */
  Executor of(Executor workers) {
    return switch (this) {
      case URGENT -> RankedWorkers.urgentLane(workers);
      case BULK -> RankedWorkers.bulkLane(workers);
      case ORDINARY -> workers;
    };
  }

  /**
   * By path segments, not substrings: {@code /apis/work.karmada.io/<v>/namespaces/<ns>/works} and
   * {@code .../works/<name>}, so a namespace named "works" or a Work named "status" is read right.
   */
  private static boolean isWorkWrite(String method, String path) {
    boolean write = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (!write || !path.startsWith(WORK_GROUP)) {
      return false;
    }
    int query = path.indexOf('?');
    String[] segments = (query < 0 ? path : path.substring(0, query)).substring(1).split("/", -1);
    // apis, work.karmada.io, version, namespaces, ns, works[, name]
    return (segments.length == 6 || segments.length == 7)
        && segments[3].equals("namespaces")
        && segments[5].equals("works");
  }
}
