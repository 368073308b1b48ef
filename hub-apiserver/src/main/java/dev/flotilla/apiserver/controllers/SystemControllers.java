package dev.flotilla.apiserver.controllers;

import dev.flotilla.apiserver.agent.AgentRbacController;
import dev.flotilla.apiserver.auth.BootstrapTokenCleaner;
import dev.flotilla.apiserver.certificates.Certificates;
import dev.flotilla.apiserver.events.EventExpiry;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.pods.DisruptionController;
import dev.flotilla.apiserver.rbac.Rbac;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One term of the hub's built-in controllers that write, kube-controller-manager's share of a
 * cluster: garbage collection, namespace lifecycle, CRD cleanup, the root CA publisher, default
 * ServiceAccounts, APIService registration, ClusterRole aggregation, the CSR signer and approver,
 * the bootstrap-token cleaner, agents' RBAC, PodDisruptionBudget status and Event expiry. Several
 * replicas on one store run them in exactly one of them, the one holding the controller-manager
 * Lease, and start a fresh term each time it is acquired again; what every replica needs to serve
 * (CRD types, admission, caches) runs outside, in each.
 */
public final class SystemControllers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SystemControllers.class);

  /**
   * What a term builds on; {@code certificates} and {@code rbac} are null on a hub without
   * Karmada's API, and a zero {@code eventTtl} keeps Events.
   */
  public record Parts(
      ResourceStorage storage,
      String caPem,
      CrdController crds,
      NamespaceController namespaces,
      Certificates certificates,
      Rbac rbac,
      Duration eventTtl) {}

  private final List<AutoCloseable> running = new ArrayList<>();

  private SystemControllers() {}

  /** Starts every controller of one term; on a failure, stops what had started and throws. */
  public static SystemControllers start(Parts parts) {
    SystemControllers term = new SystemControllers();
    try {
      term.running.add(parts.crds().lead());
      term.running.add(parts.namespaces().lead());
      GarbageCollector gc = new GarbageCollector(parts.storage());
      term.running.add(gc);
      gc.start();
      RootCaPublisher rootCa = new RootCaPublisher(parts.storage(), parts.caPem());
      term.running.add(rootCa);
      rootCa.start();
      DefaultServiceAccounts accounts = new DefaultServiceAccounts(parts.storage());
      term.running.add(accounts);
      accounts.start();
      ApiServiceRegistration apiServices = new ApiServiceRegistration(parts.storage());
      term.running.add(apiServices);
      apiServices.start();
      if (parts.rbac() != null) {
        term.running.add(parts.rbac().leadAggregation());
      }
      if (parts.certificates() != null) {
        term.running.add(parts.certificates().startControllers());
        BootstrapTokenCleaner tokenCleaner =
            new BootstrapTokenCleaner(parts.storage(), Clock.systemUTC());
        term.running.add(tokenCleaner);
        tokenCleaner.start();
        // A fresh follower per term; the instance that checks agents' writes serves every replica.
        AgentRbacController agentRbac = new AgentRbacController(parts.storage());
        term.running.add(agentRbac);
        agentRbac.start();
      }
      if (!parts.eventTtl().isZero()) {
        EventExpiry events = new EventExpiry(parts.storage(), parts.eventTtl());
        term.running.add(events);
        events.start();
      }
      DisruptionController.forStorage(parts.storage())
          .ifPresent(
              disruption -> {
                term.running.add(disruption);
                disruption.start();
              });
    } catch (RuntimeException e) {
      term.close();
      throw e;
    }
    return term;
  }

  /** Stops this term's controllers, newest first; idempotent. */
  @Override
  public synchronized void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping a system controller", e);
      }
    }
    running.clear();
  }
}
