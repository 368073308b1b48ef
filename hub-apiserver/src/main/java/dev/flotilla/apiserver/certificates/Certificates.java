package dev.flotilla.apiserver.certificates;

import dev.flotilla.apiserver.agent.AgentRbac;
import dev.flotilla.apiserver.auth.CertificateAuthority;
import dev.flotilla.apiserver.http.ApiServer;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.rbac.HubAuthorizer;
import java.util.Set;

/**
 * The certificates API for one hub, wired in one place: CertificateSigningRequest admission, the
 * {@code approval} subresource, the kube-apiserver-client signer and Karmada's agent CSR approver.
 */
public final class Certificates {
  private final ResourceStorage storage;
  private final CertificateAuthority ca;
  private final HubAuthorizer authorizer;

  private Certificates(ResourceStorage storage, CertificateAuthority ca, HubAuthorizer authorizer) {
    this.storage = storage;
    this.ca = ca;
    this.authorizer = authorizer;
  }

  /**
   * Guards CSR writes; the signer and the approver run from {@link #startControllers()}, in the
   * replica that leads.
   */
  public static Certificates start(
      ResourceStorage storage, CertificateAuthority ca, HubAuthorizer authorizer) {
    Certificates c = new Certificates(storage, ca, authorizer);
    CsrAdmission admission = new CsrAdmission(authorizer);
    storage.addHook(Csrs.PLURAL + "." + Csrs.GROUP, admission);
    storage.addAdmission(admission);
    return c;
  }

  /** Starts a fresh signer and agent approver; closing the handle stops both. */
  public AutoCloseable startControllers() {
    // An agent's scope is granted in the step that issues its certificate, so it holds it at once.
    ClientSigner signer =
        new ClientSigner(
            storage,
            ca,
            (csr, req) -> {
              String cluster = AgentCsrApprover.agentCluster(req, Set.copyOf(Csrs.usages(csr)));
              if (cluster != null) {
                AgentRbac.ensure(storage, cluster);
              }
            });
    AgentCsrApprover approver = new AgentCsrApprover(storage, authorizer);
    signer.start();
    approver.start();
    return () -> {
      approver.close();
      signer.close();
    };
  }

  /** Serves the approval subresource on {@code server}. */
  public void serveOn(ApiServer server) {
    server.addSubresource(Csrs.GROUP, Csrs.PLURAL, "approval", new ApprovalHandler(storage));
  }
}
