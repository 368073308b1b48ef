package dev.flotilla.apiserver.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.CertificateAuthority;
import dev.flotilla.apiserver.controllers.StoreDrivenController;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * kube-controller-manager's {@code csrsigning} for {@value Csrs#CLIENT_SIGNER}: signs approved CSRs
 * with the hub's CA, the one client-certificate authentication trusts, for {@code
 * spec.expirationSeconds} (at most {@link #MAX_DURATION}, as {@code --cluster-signing-duration}); a
 * CSR whose usages are not a client certificate's gets the Failed condition instead.
 */
public final class ClientSigner extends StoreDrivenController {
  public static final String NAME = "csrsigning";

  /** kube-controller-manager's default --cluster-signing-duration. */
  static final Duration MAX_DURATION = Duration.ofDays(365);

  private static final Set<String> OPTIONAL_USAGES =
      Set.of("digital signature", "key encipherment");

  private final ResourceType csrs;
  private final CertificateAuthority ca;
  private final BiConsumer<ObjectNode, PKCS10CertificationRequest> beforeSigning;

  /**
   * @param beforeSigning runs before a certificate for the request is issued (e.g. to grant the
   *     identity it names its roles); throwing retries later
   */
  ClientSigner(
      ResourceStorage storage,
      CertificateAuthority ca,
      BiConsumer<ObjectNode, PKCS10CertificationRequest> beforeSigning) {
    super(storage, NAME);
    this.ca = ca;
    this.beforeSigning = beforeSigning;
    this.csrs = storage.registry().find(Csrs.GROUP, "v1", Csrs.PLURAL).orElseThrow();
  }

  void start() {
    follow(csrs, null, true, PUTS);
  }

  @Override
  protected long reconcile(String name) {
    ObjectNode csr = storage.find(csrs, null, name).orElse(null);
    if (csr == null
        || Meta.isDeleting(csr)
        || !Csrs.CLIENT_SIGNER.equals(Csrs.signerName(csr))
        || !Csrs.has(csr, Csrs.APPROVED)
        || Csrs.has(csr, Csrs.FAILED)
        || !csr.path("status").path("certificate").asText("").isEmpty()) {
      return -1;
    }
    ObjectNode desired = csr.deepCopy();
    String invalid = invalidUsages(Csrs.usages(csr));
    if (invalid != null) {
      Csrs.addCondition(desired, Csrs.FAILED, "SignerValidationFailure", invalid);
    } else {
      PKCS10CertificationRequest req = Csrs.request(csr);
      beforeSigning.accept(csr, req);
      long seconds = csr.path("spec").path("expirationSeconds").asLong(0);
      Duration ttl =
          seconds <= 0 || seconds > MAX_DURATION.getSeconds()
              ? MAX_DURATION
              : Duration.ofSeconds(seconds);
      String pem =
          ca.signClientRequest(
              req, Instant.now().plus(ttl), Csrs.usages(csr).contains("key encipherment"));
      desired
          .with("status")
          .put(
              "certificate",
              Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
    }
    try {
      storage.update(csrs, null, name, desired, true, false).join();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      if (cause instanceof ApiException api && (api.code() == 404 || api.code() == 409)) {
        return api.code() == 409 ? 0 : -1; // changed meanwhile: look again
      }
      throw cause;
    }
    return -1;
  }

  /** Upstream's check of a kube-apiserver-client CSR's usages; null when they are a client's. */
  static String invalidUsages(List<String> usages) {
    boolean clientAuth = false;
    for (String u : usages) {
      if (u.equals("client auth")) {
        clientAuth = true;
      } else if (!OPTIONAL_USAGES.contains(u)) {
        return "invalid usage for client certificate: " + u;
      }
    }
    return clientAuth ? null : "missing required usage for client certificate: client auth";
  }
}
