package dev.flotilla.apiserver.rbac;

import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.http.ApiServer;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.review.AccessReviews;
import dev.flotilla.apiserver.review.IdentityReviews;

/**
 * Kubernetes RBAC for one API server, wired in one place: the cache of RBAC objects, the default
 * policy, ClusterRole aggregation, escalation prevention, the authorizer chain, the access and
 * identity reviews, and impersonation.
 */
public final class Rbac implements AutoCloseable {
  private final RbacCache cache = new RbacCache();
  private final HubAuthorizer authorizer;
  private final AggregationController aggregation;

  private Rbac(ResourceStorage storage, boolean agents) {
    this.authorizer = new HubAuthorizer(cache, agents);
    this.aggregation = new AggregationController(storage, cache);
  }

  /**
   * Loads the RBAC objects, writes the default policy, aggregates, and from then on guards writes
   * of RBAC objects; blocks until all that is done.
   *
   * @param agents whether a member agent's 403 also says what an agent may do
   */
  public static Rbac start(ResourceStorage storage, boolean agents) {
    Rbac rbac = new Rbac(storage, agents);
    rbac.cache.start(storage.store());
    new PolicyBootstrap(storage).reconcile();
    rbac.aggregation.start();
    storage.addAdmission(new RbacAdmission(rbac.authorizer));
    return rbac;
  }

  /**
   * Leaves ClusterRole aggregation after startup to the replica that leads, as {@link
   * #leadAggregation()} grants.
   */
  public void standByAggregation() {
    aggregation.standBy();
  }

  /** Aggregates ClusterRoles on every change while the handle is open (one replica at a time). */
  public AutoCloseable leadAggregation() {
    return aggregation.lead();
  }

  public HubAuthorizer authorizer() {
    return authorizer;
  }

  /** Serves the reviews and honours Impersonate-* headers on {@code server}. */
  public void serveOn(ApiServer server, TokenAuthenticator authenticator) {
    new AccessReviews(authorizer)
        .resources()
        .forEach((plural, r) -> server.addVirtualResource(AccessReviews.GROUP, plural, r));
    new IdentityReviews(authenticator)
        .resources()
        .forEach((plural, r) -> server.addVirtualResource(IdentityReviews.GROUP, plural, r));
    server.setImpersonator(new Impersonation(authorizer));
  }

  @Override
  public void close() {
    aggregation.close();
    cache.close();
  }
}
