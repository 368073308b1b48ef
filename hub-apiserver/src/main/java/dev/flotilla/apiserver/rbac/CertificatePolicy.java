package dev.flotilla.apiserver.rbac;

import java.util.List;

/**
 * The default ClusterRoles for the certificates API and bootstrap-token joins: upstream's {@code
 * system:node-bootstrapper} (post and read CSRs) and kube-apiserver-client approver, and the roles
 * Karmada's {@code karmadactl init} creates so its agent CSR approver approves what a bootstrap
 * token (or an agent renewing itself) asks for.
 */
public final class CertificatePolicy {
  public static final String NODE_BOOTSTRAPPER = "system:node-bootstrapper";
  public static final String CLIENT_APPROVER =
      "system:certificates.k8s.io:kube-apiserver-client-approver";
  public static final String CSR_AUTOAPPROVER =
      "system:karmada:certificatesigningrequest:autoapprover";
  public static final String CSR_SELF_AUTOAPPROVER =
      "system:karmada:certificatesigningrequest:selfautoapprover";

  /** Karmada's bootstrap-token group ({@code auth-extra-groups} of the tokens it creates). */
  public static final String AGENT_TOKEN_GROUP =
      "system:bootstrappers:karmada:default-cluster-token";

  public static final String AGENT_BOOTSTRAP = "system:karmada:agent-bootstrap";
  public static final String AGENT_AUTOAPPROVE_BOOTSTRAP =
      "system:karmada:agent-autoapprove-bootstrap";
  public static final String AGENT_AUTOAPPROVE_ROTATION =
      "system:karmada:agent-autoapprove-certificate-rotation";

  private static final String GROUP = "certificates.k8s.io";

  private CertificatePolicy() {}

  static List<BootstrapPolicy.Role> clusterRoles() {
    return List.of(
        BootstrapPolicy.own(
            NODE_BOOTSTRAPPER,
            BootstrapPolicy.rule(
                List.of("create", "get", "list", "watch"), GROUP, "certificatesigningrequests")),
        BootstrapPolicy.own(
            CLIENT_APPROVER,
            new PolicyRule(
                List.of("approve"),
                List.of(GROUP),
                List.of("signers"),
                List.of("kubernetes.io/kube-apiserver-client"),
                List.of())),
        BootstrapPolicy.own(
            CSR_AUTOAPPROVER,
            BootstrapPolicy.rule(
                List.of("create"), GROUP, "certificatesigningrequests/clusteragent")),
        BootstrapPolicy.own(
            CSR_SELF_AUTOAPPROVER,
            BootstrapPolicy.rule(
                List.of("create"), GROUP, "certificatesigningrequests/selfclusteragent")));
  }
}
