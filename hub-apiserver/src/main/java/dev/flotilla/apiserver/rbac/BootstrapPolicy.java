package dev.flotilla.apiserver.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default ClusterRoles and ClusterRoleBindings a hub starts with: upstream's user-facing
 * bootstrap policy (cluster-admin; admin, edit and view aggregated from the {@code
 * rbac.authorization.k8s.io/aggregate-to-*} labels; the discovery, basic-user, public-info and
 * monitoring roles) and, as Karmada's control plane installs them, karmada-view and karmada-edit,
 * which add the Karmada and Multi-Cluster Services kinds to view, edit and admin.
 */
public final class BootstrapPolicy {
  public static final String AGGREGATE_TO_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
  public static final String AGGREGATE_TO_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
  public static final String AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";
  public static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  public static final Map<String, String> BOOTSTRAP_LABEL =
      Map.of("kubernetes.io/bootstrapping", "rbac-defaults");

  /**
   * The ClusterRole and ClusterRoleBinding of the hub's own controllers (propagation, MCS,
   * discovery), which reach the API server in process; a real role RBAC evaluates, so an
   * administrator sees, and can narrow, what they may do.
   */
  public static final String CONTROLLER_MANAGER = "system:flotilla-controller-manager";

  /** The group the controllers' identity belongs to, the subject of their ClusterRoleBinding. */
  public static final String CONTROLLER_MANAGER_GROUP = "system:flotilla-controllers";

  static final List<String> READ = List.of("get", "list", "watch");
  static final List<String> WRITE =
      List.of("create", "update", "patch", "delete", "deletecollection");
  static final List<String> READ_WRITE =
      List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

  /**
   * A default ClusterRole.
   *
   * @param aggregateFrom label keys (value "true") whose ClusterRoles this one aggregates; empty
   *     for a role with rules of its own
   */
  public record Role(
      String name,
      Map<String, String> labels,
      List<PolicyRule> rules,
      List<String> aggregateFrom) {}

  /** A default ClusterRoleBinding of ClusterRole {@code role} to groups. */
  public record Binding(String name, String role, List<String> groups) {
    /** A binding of the ClusterRole of the same name, as most of upstream's are. */
    public Binding(String name, List<String> groups) {
      this(name, name, groups);
    }
  }

  private BootstrapPolicy() {}

  public static List<Role> clusterRoles() {
    List<Role> roles = new ArrayList<>();
    roles.add(
        own(
            "cluster-admin",
            rule(List.of("*"), "*", "*"),
            PolicyRule.urls(List.of("*"), List.of("*"))));
    roles.add(
        own(
            "system:discovery",
            PolicyRule.urls(
                List.of("get"),
                List.of(
                    "/livez",
                    "/readyz",
                    "/healthz",
                    "/version",
                    "/version/",
                    "/openapi",
                    "/openapi/*",
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*"))));
    roles.add(
        own(
            "system:monitoring",
            PolicyRule.urls(
                List.of("get"),
                List.of(
                    "/metrics",
                    "/metrics/slis",
                    "/livez",
                    "/readyz",
                    "/healthz",
                    "/livez/*",
                    "/readyz/*",
                    "/healthz/*"))));
    roles.add(
        own(
            "system:basic-user",
            rule(
                List.of("create"),
                "authorization.k8s.io",
                "selfsubjectaccessreviews",
                "selfsubjectrulesreviews"),
            rule(List.of("create"), "authentication.k8s.io", "selfsubjectreviews")));
    roles.add(
        own(
            "system:public-info-viewer",
            PolicyRule.urls(
                List.of("get"),
                List.of("/livez", "/readyz", "/healthz", "/version", "/version/"))));
    roles.add(
        own(
            "system:auth-delegator",
            rule(List.of("create"), "authentication.k8s.io", "tokenreviews"),
            rule(List.of("create"), "authorization.k8s.io", "subjectaccessreviews")));
    roles.add(new Role("admin", Map.of(), List.of(), List.of(AGGREGATE_TO_ADMIN)));
    roles.add(
        new Role(
            "edit", Map.of(AGGREGATE_TO_ADMIN, "true"), List.of(), List.of(AGGREGATE_TO_EDIT)));
    roles.add(
        new Role("view", Map.of(AGGREGATE_TO_EDIT, "true"), List.of(), List.of(AGGREGATE_TO_VIEW)));
    roles.add(
        labelled(
            "system:aggregate-to-admin",
            AGGREGATE_TO_ADMIN,
            rule(List.of("create"), "authorization.k8s.io", "localsubjectaccessreviews"),
            rule(READ_WRITE, "rbac.authorization.k8s.io", "roles", "rolebindings")));
    roles.add(labelled("system:aggregate-to-edit", AGGREGATE_TO_EDIT, editRules()));
    roles.add(labelled("system:aggregate-to-view", AGGREGATE_TO_VIEW, viewRules()));
    roles.add(labelled("karmada-view", AGGREGATE_TO_VIEW, karmadaRules(READ, true)));
    roles.add(labelled("karmada-edit", AGGREGATE_TO_EDIT, karmadaRules(WRITE, false)));
    // Full rights, as Karmada's controller-manager (templates may be of any kind), so whatever
    // they create or bind is never an escalation; narrowing this role narrows them.
    roles.add(
        own(
            CONTROLLER_MANAGER,
            rule(List.of("*"), "*", "*"),
            PolicyRule.urls(List.of("*"), List.of("*"))));
    roles.addAll(CertificatePolicy.clusterRoles());
    return roles;
  }

  public static List<Binding> clusterRoleBindings() {
    return List.of(
        new Binding("cluster-admin", List.of(HubAuthorizer.MASTERS)),
        new Binding("system:discovery", List.of("system:authenticated")),
        new Binding("system:basic-user", List.of("system:authenticated")),
        new Binding(
            "system:public-info-viewer", List.of("system:authenticated", "system:unauthenticated")),
        new Binding("system:monitoring", List.of("system:monitoring")),
        new Binding(CONTROLLER_MANAGER, List.of(CONTROLLER_MANAGER_GROUP)),
        // Karmada's agent join (karmadactl init's bootstrap-token RBAC): bootstrap tokens may post
        // CSRs and have agent CSRs approved by the agent CSR approver; agents may renew their own.
        new Binding(
            CertificatePolicy.AGENT_BOOTSTRAP,
            CertificatePolicy.NODE_BOOTSTRAPPER,
            List.of(CertificatePolicy.AGENT_TOKEN_GROUP)),
        new Binding(
            CertificatePolicy.AGENT_AUTOAPPROVE_BOOTSTRAP,
            CertificatePolicy.CSR_AUTOAPPROVER,
            List.of(CertificatePolicy.AGENT_TOKEN_GROUP)),
        new Binding(
            CertificatePolicy.AGENT_AUTOAPPROVE_ROTATION,
            CertificatePolicy.CSR_SELF_AUTOAPPROVER,
            List.of("system:karmada:agents")));
  }

  private static PolicyRule[] editRules() {
    return new PolicyRule[] {
      rule(
          READ,
          "",
          "pods/attach",
          "pods/proxy",
          "pods/exec",
          "pods/portforward",
          "secrets",
          "services/proxy"),
      rule(List.of("impersonate"), "", "serviceaccounts"),
      rule(WRITE, "", "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
      rule(List.of("create"), "", "pods/eviction"),
      rule(
          WRITE,
          "",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "serviceaccounts",
          "services",
          "services/proxy",
          "persistentvolumeclaims",
          "configmaps",
          "secrets"),
      rule(List.of("create"), "", "serviceaccounts/token"),
      rule(
          WRITE,
          "apps",
          "statefulsets",
          "statefulsets/scale",
          "daemonsets",
          "deployments",
          "deployments/scale",
          "deployments/rollback",
          "replicasets",
          "replicasets/scale"),
      rule(WRITE, "autoscaling", "horizontalpodautoscalers"),
      rule(WRITE, "batch", "jobs", "cronjobs"),
      rule(
          WRITE,
          "extensions",
          "daemonsets",
          "deployments",
          "deployments/scale",
          "deployments/rollback",
          "ingresses",
          "replicasets",
          "replicasets/scale",
          "replicationcontrollers/scale",
          "networkpolicies"),
      rule(WRITE, "policy", "poddisruptionbudgets"),
      rule(WRITE, "networking.k8s.io", "networkpolicies", "ingresses"),
    };
  }

  private static PolicyRule[] viewRules() {
    return new PolicyRule[] {
      rule(
          READ,
          "",
          "pods",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "serviceaccounts",
          "services",
          "services/status",
          "endpoints",
          "persistentvolumeclaims",
          "persistentvolumeclaims/status",
          "configmaps"),
      rule(
          READ,
          "",
          "limitranges",
          "resourcequotas",
          "bindings",
          "events",
          "pods/status",
          "resourcequotas/status",
          "namespaces/status",
          "replicationcontrollers/status",
          "pods/log"),
      // Reading namespaces at the namespace scope lets a user read that namespace itself.
      rule(READ, "", "namespaces"),
      rule(READ, "discovery.k8s.io", "endpointslices"),
      rule(
          READ,
          "apps",
          "controllerrevisions",
          "statefulsets",
          "statefulsets/status",
          "statefulsets/scale",
          "daemonsets",
          "daemonsets/status",
          "deployments",
          "deployments/status",
          "deployments/scale",
          "replicasets",
          "replicasets/status",
          "replicasets/scale"),
      rule(READ, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
      rule(READ, "batch", "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
      rule(
          READ,
          "extensions",
          "daemonsets",
          "daemonsets/status",
          "deployments",
          "deployments/scale",
          "deployments/status",
          "ingresses",
          "ingresses/status",
          "replicasets",
          "replicasets/scale",
          "replicasets/status",
          "replicationcontrollers/scale",
          "networkpolicies"),
      rule(READ, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
      rule(READ, "networking.k8s.io", "networkpolicies", "ingresses", "ingresses/status"),
    };
  }

  /**
   * The namespaced Karmada and MCS kinds with {@code verbs}; the read-only role also shows the
   * fleet's Clusters (cluster-scoped, so only a ClusterRoleBinding to view reaches them).
   */
  private static PolicyRule[] karmadaRules(List<String> verbs, boolean clusters) {
    List<PolicyRule> rules = new ArrayList<>();
    // As Karmada's karmada-view/karmada-edit; FederatedResourceQuota and the interpreter's
    // customizations are not among them: a namespace's quota and the hub's behaviour are the
    // administrator's.
    rules.add(
        rule(
            verbs,
            "autoscaling.karmada.io",
            "cronfederatedhpas",
            "cronfederatedhpas/status",
            "federatedhpas",
            "federatedhpas/status"));
    rules.add(
        rule(
            verbs,
            "networking.karmada.io",
            "multiclusteringresses",
            "multiclusteringresses/status",
            "multiclusterservices",
            "multiclusterservices/status"));
    rules.add(
        rule(
            verbs,
            "multicluster.x-k8s.io",
            "serviceexports",
            "serviceexports/status",
            "serviceimports",
            "serviceimports/status"));
    rules.add(rule(verbs, "policy.karmada.io", "overridepolicies", "propagationpolicies"));
    rules.add(
        rule(
            verbs,
            "work.karmada.io",
            "resourcebindings",
            "resourcebindings/status",
            "works",
            "works/status"));
    if (clusters) {
      rules.add(rule(verbs, "cluster.karmada.io", "clusters", "clusters/status"));
    }
    return rules.toArray(PolicyRule[]::new);
  }

  static Role own(String name, PolicyRule... rules) {
    return new Role(name, Map.of(), List.of(rules), List.of());
  }

  private static Role labelled(String name, String aggregateTo, PolicyRule... rules) {
    return new Role(name, Map.of(aggregateTo, "true"), List.of(rules), List.of());
  }

  static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return PolicyRule.resources(verbs, List.of(group), List.of(resources));
  }
}
