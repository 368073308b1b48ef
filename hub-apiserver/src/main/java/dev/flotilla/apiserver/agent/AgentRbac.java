package dev.flotilla.apiserver.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.rbac.BootstrapPolicy;
import dev.flotilla.apiserver.rbac.PolicyRule;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.validation.WriteContext;
import dev.flotilla.policies.names.Names;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A member agent's scope as RBAC objects, under the names {@code karmadactl register} gives them:
 * ClusterRole and ClusterRoleBinding {@code system:karmada:<c>:agent} (its Cluster by name, the
 * interpreter customizations, its namespaces, CSRs for renewal), Role and RoleBinding {@code
 * system:karmada:<c>:agent-work} in {@code karmada-es-<c>} (reads there, Works, Work status,
 * events), and {@code system:karmada:<c>:agent-lease} in {@value AgentTokens#NAMESPACE} (its
 * Lease). Each binds only the user {@code system:karmada:agent:<c>}. Issuing a credential again
 * puts back what an administrator changed, unless the object is annotated {@code
 * rbac.authorization.kubernetes.io/autoupdate: "false"}. What RBAC cannot say (the name a create
 * gives, which fields change, what a report holds) is {@link AgentAdmission}'s.
 */
public final class AgentRbac {
  public static final String GROUP = "rbac.authorization.k8s.io";

  /** The label naming the cluster on every object made here (as on the agent's token Secret). */
  public static final String CLUSTER_LABEL = "cluster.karmada.io/name";

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> OWN = List.of("get", "list", "watch", "update", "patch");
  private static final List<String> EVENT_WRITES = List.of("create", "update", "patch");

  private AgentRbac() {}

  /** Karmada's ClusterRole and ClusterRoleBinding name for the agent of {@code cluster}. */
  public static String clusterRoleName(String cluster) {
    return "system:karmada:" + cluster + ":agent";
  }

  /** The Role and RoleBinding in the execution namespace. */
  public static String workRoleName(String cluster) {
    return "system:karmada:" + cluster + ":agent-work";
  }

  /** The Role and RoleBinding in {@value AgentTokens#NAMESPACE}. */
  public static String leaseRoleName(String cluster) {
    return "system:karmada:" + cluster + ":agent-lease";
  }

  /** One RBAC object: its resource, namespace (null: cluster-scoped) and body. */
  public record Item(String plural, String namespace, ObjectNode object) {}

  /** Every RBAC object that grants the agent of {@code cluster} its scope, roles first. */
  public static List<Item> objects(String cluster) {
    String es = Names.executionNamespace(cluster);
    List<PolicyRule> clusterRules =
        List.of(
            // Registration: the name a create gives is checked by admission.
            rule(List.of("create"), "cluster.karmada.io", "clusters"),
            rule(OWN, "cluster.karmada.io", "clusters", "clusters/status").names(List.of(cluster)),
            rule(
                READ,
                "config.karmada.io",
                "resourceinterpretercustomizations",
                "resourceinterpreterwebhookconfigurations"),
            rule(List.of("get"), "", "namespaces").names(List.of(AgentTokens.NAMESPACE, es)),
            // Certificate renewal; only a request for its own name is approved by itself.
            rule(List.of("create", "get"), "certificates.k8s.io", "certificatesigningrequests"));
    List<PolicyRule> workRules =
        List.of(
            rule(READ, "*", "*"),
            rule(List.of("create", "update", "patch", "delete"), "work.karmada.io", "works"),
            rule(List.of("update", "patch"), "work.karmada.io", "works/status"),
            PolicyRule.resources(EVENT_WRITES, List.of("", "events.k8s.io"), List.of("events")));
    List<PolicyRule> leaseRules =
        List.of(
            rule(List.of("create"), "coordination.k8s.io", "leases"),
            rule(OWN, "coordination.k8s.io", "leases").names(List.of(cluster)));
    return List.of(
        new Item(
            "clusterroles",
            null,
            role("ClusterRole", clusterRoleName(cluster), null, cluster, clusterRules)),
        new Item(
            "clusterrolebindings",
            null,
            binding("ClusterRoleBinding", "ClusterRole", clusterRoleName(cluster), null, cluster)),
        new Item("roles", es, role("Role", workRoleName(cluster), es, cluster, workRules)),
        new Item(
            "rolebindings", es, binding("RoleBinding", "Role", workRoleName(cluster), es, cluster)),
        new Item(
            "roles",
            AgentTokens.NAMESPACE,
            role("Role", leaseRoleName(cluster), AgentTokens.NAMESPACE, cluster, leaseRules)),
        new Item(
            "rolebindings",
            AgentTokens.NAMESPACE,
            binding(
                "RoleBinding", "Role", leaseRoleName(cluster), AgentTokens.NAMESPACE, cluster)));
  }

  /**
   * Creates (or puts back) every object of {@link #objects}, and the execution namespace they need;
   * blocks until written (controllers, on threads of their own).
   */
  public static void ensure(ResourceStorage storage, String cluster) {
    ensureAsync(storage, cluster).join();
  }

  /**
   * As {@link #ensure}, without blocking: one write after the other, each continuing on whichever
   * thread finished the last. Admission on a worker uses this, so that no worker waits on writes
   * whose continuations need a worker (16 credentials at once used to stop a 4-worker hub). The
   * hub's own write: whoever may issue an agent credential grants its scope with it.
   */
  public static CompletableFuture<Void> ensureAsync(ResourceStorage storage, String cluster) {
    CompletableFuture<Void> done = ensureNamespace(storage, Names.executionNamespace(cluster));
    for (Item item : objects(cluster)) {
      done = done.thenCompose(v -> ensureItem(storage, item));
    }
    return done;
  }

  private static CompletableFuture<Void> ensureItem(ResourceStorage storage, Item item) {
    ResourceType type = type(storage, item.plural());
    String name = item.object().path("metadata").path("name").asText();
    var existing = storage.find(type, item.namespace(), name);
    if (existing.isPresent()) {
      if (keep(existing.get(), item.object())) {
        return CompletableFuture.completedFuture(null);
      }
      return internal(
              () ->
                  storage.guaranteedUpdate(
                      type, item.namespace(), name, 0, false, c -> withGrant(c, item.object())))
          .thenApply(o -> null);
    }
    return internal(() -> storage.create(type, item.namespace(), item.object().deepCopy(), false))
        .handle(
            (o, e) -> {
              // 403/404: its namespace is terminating or gone; the controller puts the role back
              // when the namespace is made again.
              if (e != null
                  && (!(ResourceStorage.unwrap(e) instanceof ApiException api)
                      || !(api.code() == 409
                          || (item.namespace() != null
                              && (api.code() == 403 || api.code() == 404))))) {
                throw ResourceStorage.unwrap(e);
              }
              return null;
            });
  }

  /** Starts a write as the hub itself; a refusal thrown at once comes back as a failed future. */
  private static <T> CompletableFuture<T> internal(Supplier<CompletableFuture<T>> write) {
    try {
      return WriteContext.internal().call(write);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Deletes every object of {@link #objects} (those still there); blocks until done (controllers,
   * on threads of their own).
   */
  public static void remove(ResourceStorage storage, String cluster) {
    WriteContext.internal()
        .call(
            () -> {
              List<Item> items = new java.util.ArrayList<>(objects(cluster));
              java.util.Collections.reverse(items); // bindings before their roles
              for (Item item : items) {
                ResourceType type = type(storage, item.plural());
                String name = item.object().path("metadata").path("name").asText();
                if (storage.find(type, item.namespace(), name).isEmpty()) {
                  continue;
                }
                try {
                  storage.delete(type, item.namespace(), name, DeleteOptions.DEFAULT).join();
                } catch (RuntimeException e) {
                  if (!(ResourceStorage.unwrap(e) instanceof ApiException api)
                      || api.code() != 404) {
                    throw e;
                  }
                }
              }
              return null;
            });
  }

  /** Whether the agent of {@code cluster} has its ClusterRoleBinding. */
  public static boolean granted(ResourceStorage storage, String cluster) {
    return storage
        .find(type(storage, "clusterrolebindings"), null, clusterRoleName(cluster))
        .isPresent();
  }

  /**
   * Whether an existing object stays as it is: it already grants what it should, or an
   * administrator marked it {@code rbac.authorization.kubernetes.io/autoupdate: "false"} (as for
   * the default roles) to keep a narrowed scope.
   */
  private static boolean keep(ObjectNode existing, ObjectNode desired) {
    if ("false"
        .equals(
            existing
                .path("metadata")
                .path("annotations")
                .path(BootstrapPolicy.AUTOUPDATE)
                .asText())) {
      return true;
    }
    return existing.path("rules").equals(desired.path("rules"))
        && existing.path("subjects").equals(desired.path("subjects"));
  }

  private static ObjectNode withGrant(ObjectNode current, ObjectNode desired) {
    for (String field : List.of("rules", "subjects")) {
      if (desired.has(field)) {
        current.set(field, desired.get(field).deepCopy());
      }
    }
    return current;
  }

  private static CompletableFuture<Void> ensureNamespace(ResourceStorage storage, String name) {
    ResourceType namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
    if (storage.find(namespaces, null, name).isPresent()) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode ns = Json.MAPPER.createObjectNode();
    ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", name);
    return internal(() -> storage.create(namespaces, null, ns, false))
        .handle(
            (o, e) -> {
              if (e != null
                  && (!(ResourceStorage.unwrap(e) instanceof ApiException api)
                      || api.code() != 409)) {
                throw ResourceStorage.unwrap(e);
              }
              return null;
            });
  }

  private static ResourceType type(ResourceStorage storage, String plural) {
    return storage.registry().find(GROUP, "v1", plural).orElseThrow();
  }

  private static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return PolicyRule.resources(verbs, List.of(group), List.of(resources));
  }

  private static ObjectNode role(
      String kind, String name, String namespace, String cluster, List<PolicyRule> rules) {
    ObjectNode obj = header(kind, name, namespace, cluster);
    ArrayNode array = obj.putArray("rules");
    rules.forEach(r -> array.add(r.toJson()));
    return obj;
  }

  private static ObjectNode binding(
      String kind, String roleKind, String name, String namespace, String cluster) {
    ObjectNode obj = header(kind, name, namespace, cluster);
    obj.putArray("subjects")
        .addObject()
        .put("apiGroup", GROUP)
        .put("kind", "User")
        .put("name", AgentTokens.USER_PREFIX + cluster);
    obj.putObject("roleRef").put("apiGroup", GROUP).put("kind", roleKind).put("name", name);
    return obj;
  }

  private static ObjectNode header(String kind, String name, String namespace, String cluster) {
    ObjectNode obj = Json.MAPPER.createObjectNode();
    obj.put("apiVersion", GROUP + "/v1").put("kind", kind);
    ObjectNode meta = obj.putObject("metadata");
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    meta.putObject("labels").put(CLUSTER_LABEL, cluster);
    return obj;
  }
}
