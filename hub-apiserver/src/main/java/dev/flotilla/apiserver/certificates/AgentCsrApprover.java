package dev.flotilla.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.controllers.StoreDrivenController;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.rbac.Attributes;
import dev.flotilla.apiserver.rbac.HubAuthorizer;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Karmada's agent CSR approver ({@code agent-csr-approving-controller}), which Karmada runs so that
 * {@code karmadactl register} needs no person: a pending {@value Csrs#CLIENT_SIGNER} CSR for an
 * agent identity (O exactly {@code system:karmada:agents}, CN {@code system:karmada:agent:<c>}, no
 * subject alternative names, usages digital signature [+ key encipherment] + client auth) is
 * approved when a SubjectAccessReview for its requester allows {@code create} on {@code
 * certificatesigningrequests/selfclusteragent} (renewal: the requester is that agent) or {@code
 * /clusteragent} (a bootstrap token). Unlike Karmada, a bootstrap token is not approved for a
 * cluster that is already registered (a Cluster or agent token of that name exists): it would let
 * any token holder take over a running member's identity; that request waits for {@code kubectl
 * certificate approve}.
 */
public final class AgentCsrApprover extends StoreDrivenController {
  public static final String NAME = "agent-csr-approving-controller";

  private static final Set<String> USAGES = Set.of("digital signature", "client auth");
  private static final Set<String> USAGES_WITH_ENCIPHERMENT =
      Set.of("digital signature", "key encipherment", "client auth");

  private final HubAuthorizer authorizer;
  private final ResourceType csrs;
  private final Optional<ResourceType> clusters;
  private final ResourceType secrets;

  AgentCsrApprover(ResourceStorage storage, HubAuthorizer authorizer) {
    super(storage, NAME);
    this.authorizer = authorizer;
    this.csrs = storage.registry().find(Csrs.GROUP, "v1", Csrs.PLURAL).orElseThrow();
    this.clusters = storage.registry().find("cluster.karmada.io", "v1alpha1", "clusters");
    this.secrets = storage.registry().find("", "v1", "secrets").orElseThrow();
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
        || !csr.path("status").path("certificate").asText("").isEmpty()
        || Csrs.has(csr, Csrs.APPROVED)
        || Csrs.has(csr, Csrs.DENIED)) {
      return -1;
    }
    PKCS10CertificationRequest req;
    try {
      req = Csrs.request(csr);
    } catch (IllegalArgumentException e) {
      return -1;
    }
    String cluster = agentCluster(req, Set.copyOf(Csrs.usages(csr)));
    if (cluster == null) {
      return -1;
    }
    UserInfo requester = requester(csr.path("spec"));
    String message;
    if (requester.name().equals(Csrs.commonName(req)) && allowed(requester, "selfclusteragent")) {
      message = "Auto approving self karmada agent certificate after SubjectAccessReview.";
    } else if (allowed(requester, "clusteragent") && !registered(cluster)) {
      message = "Auto approving karmada agent certificate after SubjectAccessReview.";
    } else {
      return -1;
    }
    try {
      storage
          .guaranteedUpdate(
              csrs,
              null,
              name,
              0,
              false,
              current -> {
                if (!Csrs.has(current, Csrs.APPROVED) && !Csrs.has(current, Csrs.DENIED)) {
                  Csrs.addCondition(current, Csrs.APPROVED, "AutoApproved", message);
                }
                return current;
              })
          .join();
    } catch (RuntimeException e) {
      if (ResourceStorage.unwrap(e) instanceof ApiException api && api.code() == 404) {
        return -1;
      }
      throw e;
    }
    return -1;
  }

  /** The cluster an agent CSR is for, or null when it is no agent CSR (Karmada's rules). */
  static String agentCluster(PKCS10CertificationRequest req, Set<String> usages) {
    if (!Csrs.organizations(req).equals(List.of(AgentTokens.GROUP))
        || req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest).length > 0
            && hasSubjectAltNames(req)
        || !(usages.equals(USAGES) || usages.equals(USAGES_WITH_ENCIPHERMENT))) {
      return null;
    }
    String cn = Csrs.commonName(req);
    return cn.startsWith(AgentTokens.USER_PREFIX) && cn.length() > AgentTokens.USER_PREFIX.length()
        ? cn.substring(AgentTokens.USER_PREFIX.length())
        : null;
  }

  private static boolean hasSubjectAltNames(PKCS10CertificationRequest req) {
    for (var a : req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      var ext = org.bouncycastle.asn1.x509.Extensions.getInstance(a.getAttrValues().getObjectAt(0));
      if (ext.getExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName) != null) {
        return true;
      }
    }
    return false;
  }

  private boolean allowed(UserInfo user, String subresource) {
    return authorizer
        .decide(
            Attributes.resource(
                user, "create", null, Csrs.GROUP, "*", Csrs.PLURAL, subresource, null))
        .allowed();
  }

  private boolean registered(String cluster) {
    return clusters.flatMap(t -> storage.find(t, null, cluster)).isPresent()
        || storage
            .find(secrets, AgentTokens.NAMESPACE, AgentTokens.SECRET_PREFIX + cluster)
            .isPresent();
  }

  /** The requester recorded in a CSR's spec, as a SubjectAccessReview would name them. */
  static UserInfo requester(JsonNode spec) {
    List<String> groups = new ArrayList<>();
    spec.path("groups").forEach(g -> groups.add(g.asText()));
    Map<String, List<String>> extra = new LinkedHashMap<>();
    spec.path("extra")
        .fields()
        .forEachRemaining(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              extra.put(e.getKey(), values);
            });
    return new UserInfo(
        spec.path("username").asText(""), spec.path("uid").asText(""), groups, extra);
  }
}
