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
public final class Certificates implements AutoCloseable {
  private final ResourceStorage storage;
  private final ClientSigner signer;
  private final AgentCsrApprover approver;

  private Certificates(ResourceStorage storage, CertificateAuthority ca, HubAuthorizer authorizer) {
    this.storage = storage;
    // An agent's scope is granted in the step that issues its certificate, so it holds it at once.
    this.signer =
        new ClientSigner(
            storage,
            ca,
            (csr, req) -> {
              String cluster = AgentCsrApprover.agentCluster(req, Set.copyOf(Csrs.usages(csr)));
              if (cluster != null) {
                AgentRbac.ensure(storage, cluster);
              }
            });
    this.approver = new AgentCsrApprover(storage, authorizer);
  }

  /** Guards CSR writes and starts the signer and the agent approver. */
  public static Certificates start(
      ResourceStorage storage, CertificateAuthority ca, HubAuthorizer authorizer) {
    Certificates c = new Certificates(storage, ca, authorizer);
    CsrAdmission admission = new CsrAdmission(authorizer);
    storage.addHook(Csrs.PLURAL + "." + Csrs.GROUP, admission);
    storage.addAdmission(admission);
    c.signer.start();
    c.approver.start();
    return c;
  }

  /** Serves the approval subresource on {@code server}. */
  public void serveOn(ApiServer server) {
    server.addSubresource(Csrs.GROUP, Csrs.PLURAL, "approval", new ApprovalHandler(storage));
  }

  @Override
  public void close() {
    approver.close();
    signer.close();
  }
}
