package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.concurrent.RankedWorkers;
import dev.flotilla.apiserver.rbac.BootstrapPolicy;
import java.util.concurrent.Executor;

/**
 * Which lane of the API workers a request waits in (see {@link RankedWorkers}), from its method,
 * path and authenticated user, so it is chosen before the request is routed.
 */
enum WorkerLane {
  /** Leases (cluster heartbeats, leader election): a burst of writes must not make one lapse. */
  URGENT,
  /**
   * The hub's own controllers, but for their Work writes (bulk, as anyone's): the scheduler's
   * placement and status writes and the binding controller's status writes, four per template, no
   * longer wait behind a hundred agents' Work status writes each. Known by the user its token
   * authenticates, {@value BootstrapPolicy#CONTROLLER_MANAGER} in {@value
   * BootstrapPolicy#CONTROLLER_MANAGER_GROUP}, whose token is made in the hub's process and never
   * written anywhere (a caller able to authenticate so would already hold the controllers' RBAC
   * grants). Not by a header or by impersonating that user: a lane any caller can ask for is none.
   */
  CONTROL,
  /** Everything not named above or below. */
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

  /**
   * The lane of a request; {@code method} upper case, {@code path} the raw request path, {@code
   * requester} the user its credentials authenticate, or null when not known yet or when the
   * request impersonates another.
   */
  static WorkerLane of(String method, String path, UserInfo requester) {
    if (path.startsWith(LEASES)) {
      return URGENT;
    }
    if (isWorkWrite(method, path)) {
      return BULK;
    }
    return isControlPlane(requester) ? CONTROL : ORDINARY;
  }

  private static boolean isControlPlane(UserInfo requester) {
    return requester != null
        && requester.name().equals(BootstrapPolicy.CONTROLLER_MANAGER)
        && requester.groups().contains(BootstrapPolicy.CONTROLLER_MANAGER_GROUP);
  }

  /** This lane of {@code workers} (the pool itself when it has no lanes). */
  Executor of(Executor workers) {
    return switch (this) {
      case URGENT -> RankedWorkers.urgentLane(workers);
      case CONTROL -> RankedWorkers.controlLane(workers);
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
