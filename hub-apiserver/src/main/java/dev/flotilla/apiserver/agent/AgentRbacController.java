package dev.flotilla.apiserver.agent;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.controllers.StoreDrivenController;
import dev.flotilla.apiserver.objects.Admission;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.policies.names.Names;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps each agent's RBAC objects ({@link AgentRbac}) with its credential, as {@code karmadactl
 * register} and {@code unregister} do: writing an agent-token Secret grants the scope in the same
 * request, before the Secret is stored (so the token works at once); deleting that Secret, or the
 * cluster's {@code Cluster} (unjoin), removes them. At start, agents with a token and a Cluster or
 * execution namespace but no roles (a hub from before roles were data) get them.
 */
public final class AgentRbacController extends StoreDrivenController implements Admission {
  public static final String NAME = "agent-rbac-controller";

  private static final String TOKEN_DELETED = "token-deleted/";
  private static final String CLUSTER_DELETED = "cluster-deleted/";
  private static final String EXISTING = "existing/";
  private static final String NAMESPACE_MADE = "namespace-made/";

  private final ResourceType secrets;
  private final ResourceType namespaces;
  private final Optional<ResourceType> clusters;

  public AgentRbacController(ResourceStorage storage) {
    super(storage, NAME);
    this.secrets = storage.registry().find("", "v1", "secrets").orElseThrow();
    this.namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
    this.clusters = storage.registry().find("cluster.karmada.io", "v1alpha1", "clusters");
  }

  public void start() {
    follow(
        secrets,
        AgentTokens.NAMESPACE,
        true,
        (name, event) -> {
          if (!name.startsWith(AgentTokens.SECRET_PREFIX)) {
            return null;
          }
          String cluster = name.substring(AgentTokens.SECRET_PREFIX.length());
          if (event == null) {
            return EXISTING + cluster;
          }
          return event.type() == StoreEvent.Type.DELETE ? TOKEN_DELETED + cluster : null;
        });
    // An execution namespace deleted and made again (a controller released it meanwhile) lost the
    // agent's Role in it: an agent that holds its credential gets it back.
    follow(
        namespaces,
        null,
        false,
        (name, event) ->
            event != null && event.isCreate() && name.startsWith(Names.EXECUTION_NAMESPACE_PREFIX)
                ? NAMESPACE_MADE + name.substring(Names.EXECUTION_NAMESPACE_PREFIX.length())
                : null);
    clusters.ifPresent(
        t ->
            follow(
                t,
                null,
                false,
                (name, event) ->
                    event != null && event.type() == StoreEvent.Type.DELETE
                        ? CLUSTER_DELETED + name
                        : null));
  }

  @Override
  protected long reconcile(String key) {
    int slash = key.indexOf('/');
    String trigger = key.substring(0, slash + 1);
    String cluster = key.substring(slash + 1);
    boolean token = hasToken(cluster);
    boolean registered = clusters.flatMap(t -> storage.find(t, null, cluster)).isPresent();
    switch (trigger) {
      case TOKEN_DELETED -> {
        if (!token) {
          AgentRbac.remove(storage, cluster);
        }
      }
      case CLUSTER_DELETED -> {
        if (!registered) {
          AgentRbac.remove(storage, cluster);
        }
      }
      case NAMESPACE_MADE -> {
        if (token || AgentRbac.granted(storage, cluster)) {
          AgentRbac.ensure(storage, cluster);
        }
      }
      default -> {
        boolean joined =
            registered
                || storage.find(namespaces, null, Names.executionNamespace(cluster)).isPresent();
        if (token && joined && !AgentRbac.granted(storage, cluster)) {
          AgentRbac.ensure(storage, cluster);
        }
      }
    }
    return -1;
  }

  private boolean hasToken(String cluster) {
    return storage
        .find(secrets, AgentTokens.NAMESPACE, AgentTokens.SECRET_PREFIX + cluster)
        .filter(s -> !Meta.isDeleting(s) && AgentTokens.clusterOfSecret(s) != null)
        .isPresent();
  }

  /** An agent-token Secret must be named after its cluster. */
  @Override
  public void validate(Attributes a) {
    String cluster = tokenCluster(a);
    if (cluster != null && !a.name().equals(AgentTokens.SECRET_PREFIX + cluster)) {
      // Revoking deletes the Secret by the cluster's name; another name would outlive it.
      throw ApiException.invalid(
          a.type(),
          a.name(),
          "metadata.name",
          "an agent token Secret for cluster \""
              + cluster
              + "\" must be named "
              + AgentTokens.SECRET_PREFIX
              + cluster);
    }
  }

  /**
   * Grants an agent-token Secret's cluster its roles before the Secret is stored: the step that
   * issues the credential grants its scope. Without a worker waiting on those writes.
   */
  @Override
  public CompletableFuture<?> beforeStore(Attributes a) {
    String cluster = tokenCluster(a);
    return cluster == null ? null : AgentRbac.ensureAsync(storage, cluster);
  }

  /** The cluster of an agent-token Secret being written (not dry run, not deleted), or null. */
  private static String tokenCluster(Attributes a) {
    if (a.dryRun()
        || a.operation() == Operation.DELETE
        || a.subresource() != null
        || !a.type().groupResource().equals("secrets")
        || !AgentTokens.NAMESPACE.equals(a.namespace())) {
      return null;
    }
    return AgentTokens.clusterOfSecret(a.object());
  }
}
