package dev.flotilla.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.Admission;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.rbac.Attributes;
import dev.flotilla.apiserver.rbac.HubAuthorizer;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.validation.WriteContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * CertificateSigningRequest semantics as kube-apiserver's strategy, validation and certificate
 * admission plugins: the requester's identity is written into {@code spec} on create and the spec
 * never changes afterwards; Approved and Denied come only through {@code /approval}, by someone
 * with {@code approve} on {@code signers/<signerName>}; a certificate only through {@code /status},
 * by someone with {@code sign}, once approved, and never changes once issued; the
 * kube-apiserver-client signer is never asked for a {@code system:masters} certificate.
 */
final class CsrAdmission implements ObjectHook, Admission {
  /** Upstream's KeyUsage values (certificates/v1). */
  static final Set<String> USAGES =
      Set.of(
          "signing",
          "digital signature",
          "content commitment",
          "key encipherment",
          "key agreement",
          "data encipherment",
          "cert sign",
          "crl sign",
          "encipher only",
          "decipher only",
          "any",
          "server auth",
          "client auth",
          "code signing",
          "email protection",
          "s/mime",
          "ipsec end system",
          "ipsec tunnel",
          "ipsec user",
          "timestamping",
          "ocsp signing",
          "microsoft sgc",
          "netscape sgc");

  private static final Set<String> ONCE_ONLY = Set.of(Csrs.APPROVED, Csrs.DENIED, Csrs.FAILED);

  private final HubAuthorizer authorizer;

  CsrAdmission(HubAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public void beforeCreate(ResourceType type, ObjectNode csr) {
    csr.remove("status");
    ObjectNode spec = csr.with("spec");
    UserInfo user = WriteContext.current().user();
    if (user != null) {
      // As upstream's PrepareForCreate: who asked is recorded by the server, never by the body.
      spec.put("username", user.name());
      spec.put("uid", user.uid());
      ArrayNode groups = spec.putArray("groups");
      user.groups().forEach(groups::add);
      spec.remove("extra");
      if (!user.extra().isEmpty()) {
        ObjectNode extra = spec.putObject("extra");
        user.extra().forEach((k, v) -> v.forEach(extra.withArray(k)::add));
      }
    }
    validateSpec(type, csr);
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode updated) {
    // As upstream's strategies: the spec never changes after create, whatever the body says.
    updated.set("spec", old.path("spec").deepCopy());
    stampConditions(old, updated);
    validateConditions(type, updated);
  }

  @Override
  public void validate(Attributes a) {
    if (!a.type().groupResource().equals(Csrs.PLURAL + "." + Csrs.GROUP)) {
      return;
    }
    if (a.operation() == Operation.CREATE) {
      restrictSubject(a);
      return;
    }
    if (a.operation() != Operation.UPDATE) {
      return;
    }
    String signer = Csrs.signerName(a.oldObject());
    boolean conditionsChanged = !sameOnceOnly(a.oldObject(), a.object());
    JsonNode oldCert = a.oldObject().path("status").path("certificate");
    JsonNode newCert = a.object().path("status").path("certificate");
    boolean certChanged = !Objects.equals(oldCert, newCert);
    if ("status".equals(a.subresource())) {
      if (conditionsChanged) {
        for (String t : List.of(Csrs.APPROVED, Csrs.DENIED)) {
          if (Csrs.has(a.oldObject(), t) != Csrs.has(a.object(), t)) {
            throw invalid(
                a,
                "status.conditions",
                "Forbidden: updates may not "
                    + (Csrs.has(a.object(), t) ? "add" : "remove")
                    + " a condition of type \""
                    + t
                    + "\"");
          }
        }
      }
      if (certChanged) {
        if (!oldCert.isMissingNode() && !oldCert.asText("").isEmpty()) {
          throw invalid(
              a,
              "status.certificate",
              "Forbidden: updates may not modify existing certificate content");
        }
        if (!Csrs.has(a.object(), Csrs.APPROVED) || Csrs.has(a.object(), Csrs.FAILED)) {
          throw invalid(
              a,
              "status.certificate",
              "Forbidden: certificate may only be set if the Approved condition is set and the"
                  + " Failed condition is not");
        }
        requireSignerPermission(a, "sign", signer);
      }
      return;
    }
    // Not /status: the main resource keeps its status (storage), so a status change here is the
    // approval subresource's.
    if (certChanged) {
      throw invalid(a, "status.certificate", "Forbidden: only /status may set the certificate");
    }
    if (conditionsChanged) {
      for (String t : List.of(Csrs.APPROVED, Csrs.DENIED)) {
        if (Csrs.has(a.oldObject(), t) && !Csrs.has(a.object(), t)) {
          throw invalid(
              a,
              "status.conditions",
              "Forbidden: updates may not remove a condition of type \"" + t + "\"");
        }
      }
      requireSignerPermission(a, "approve", signer);
    }
  }

  /** Upstream's CertificateApproval/CertificateSigning admission: verb on signers/{name}. */
  private void requireSignerPermission(Attributes a, String verb, String signer) {
    UserInfo user = a.user();
    if (user == null || authorizedForSigner(authorizer, user, verb, signer)) {
      return;
    }
    throw a.forbiddenObject(
        "user not permitted to " + verb + " requests with signerName \"" + signer + "\"");
  }

  /** Whether {@code user} may {@code verb} for {@code signer} or for its domain's wildcard. */
  static boolean authorizedForSigner(
      HubAuthorizer authorizer, UserInfo user, String verb, String signer) {
    if (authorizer.decide(signers(user, verb, signer)).allowed()) {
      return true;
    }
    int slash = signer.indexOf('/');
    return slash > 0
        && authorizer.decide(signers(user, verb, signer.substring(0, slash) + "/*")).allowed();
  }

  private static dev.flotilla.apiserver.rbac.Attributes signers(
      UserInfo user, String verb, String name) {
    return dev.flotilla.apiserver.rbac.Attributes.resource(
        user, verb, null, Csrs.GROUP, "*", "signers", null, name);
  }

  /** Upstream's CertificateSubjectRestriction admission plugin. */
  private static void restrictSubject(Attributes a) {
    if (!Csrs.CLIENT_SIGNER.equals(Csrs.signerName(a.object()))) {
      return;
    }
    PKCS10CertificationRequest req = Csrs.request(a.object());
    if (Csrs.organizations(req).contains(HubAuthorizer.MASTERS)) {
      throw a.forbiddenObject(
          "use of "
              + Csrs.CLIENT_SIGNER
              + " signer with "
              + HubAuthorizer.MASTERS
              + " group is not allowed");
    }
  }

  private static void validateSpec(ResourceType type, ObjectNode csr) {
    String name = dev.flotilla.apiserver.objects.Meta.name(csr);
    JsonNode spec = csr.path("spec");
    try {
      Csrs.request(csr);
    } catch (IllegalArgumentException e) {
      String field = "spec.request";
      throw ApiException.invalid(
          type,
          name,
          field,
          e.getMessage().equals("Required value")
              ? "Required value"
              : "Invalid value: " + e.getMessage());
    }
    String signer = spec.path("signerName").asText("");
    if (signer.isEmpty()) {
      throw ApiException.invalid(type, name, "spec.signerName", "Required value");
    }
    int slash = signer.indexOf('/');
    if (slash <= 0 || slash == signer.length() - 1 || !signer.substring(0, slash).contains(".")) {
      throw ApiException.invalid(
          type,
          name,
          "spec.signerName",
          "Invalid value: \""
              + signer
              + "\": must be a fully qualified domain and path of the form 'example.com/signer-name'");
    }
    if (!spec.path("usages").isArray() || spec.path("usages").isEmpty()) {
      throw ApiException.invalid(type, name, "spec.usages", "Required value");
    }
    int i = 0;
    for (JsonNode u : spec.path("usages")) {
      if (!USAGES.contains(u.asText())) {
        throw ApiException.invalid(
            type,
            name,
            "spec.usages[" + i + "]",
            "Unsupported value: \""
                + u.asText()
                + "\": supported values: "
                + String.join(", ", USAGES));
      }
      i++;
    }
    JsonNode exp = spec.path("expirationSeconds");
    if (!exp.isMissingNode() && !exp.isNull() && exp.asLong() < 600) {
      throw ApiException.invalid(
          type,
          name,
          "spec.expirationSeconds",
          "Invalid value: "
              + exp.asText()
              + ": may not specify a duration less than 600 seconds (10 minutes)");
    }
  }

  /**
   * Upstream's condition rules: types given, once-only types True and single, not both verdicts.
   */
  private static void validateConditions(ResourceType type, ObjectNode csr) {
    String name = dev.flotilla.apiserver.objects.Meta.name(csr);
    Set<String> seen = new HashSet<>();
    int i = 0;
    for (JsonNode c : csr.path("status").path("conditions")) {
      String t = c.path("type").asText("");
      String field = "status.conditions[" + i + "]";
      if (t.isEmpty()) {
        throw ApiException.invalid(type, name, field + ".type", "Required value");
      }
      if (ONCE_ONLY.contains(t)) {
        if (!seen.add(t)) {
          throw ApiException.invalid(type, name, field + ".type", "Duplicate value: \"" + t + "\"");
        }
        String status = c.path("status").asText("");
        if (!status.equals("True")) {
          throw ApiException.invalid(
              type,
              name,
              field + ".status",
              "Unsupported value: \"" + status + "\": supported values: \"True\"");
        }
      }
      i++;
    }
    if (seen.contains(Csrs.APPROVED) && seen.contains(Csrs.DENIED)) {
      throw ApiException.invalid(
          type,
          name,
          "status.conditions",
          "Invalid value: Approved and Denied conditions are mutually exclusive");
    }
  }

  /** As upstream: conditions without timestamps get now, and keep their first transition time. */
  private static void stampConditions(ObjectNode old, ObjectNode updated) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (JsonNode n : updated.path("status").path("conditions")) {
      if (!(n instanceof ObjectNode c)) {
        continue;
      }
      if (c.path("lastUpdateTime").asText("").isEmpty()) {
        c.put("lastUpdateTime", now);
      }
      if (c.path("lastTransitionTime").asText("").isEmpty()) {
        String before = "";
        for (JsonNode o : old.path("status").path("conditions")) {
          if (o.path("type").equals(c.path("type")) && o.path("status").equals(c.path("status"))) {
            before = o.path("lastTransitionTime").asText("");
          }
        }
        c.put("lastTransitionTime", before.isEmpty() ? now : before);
      }
    }
  }

  private static boolean sameOnceOnly(JsonNode old, JsonNode updated) {
    for (String t : ONCE_ONLY) {
      if (Csrs.has(old, t) != Csrs.has(updated, t)) {
        return false;
      }
    }
    return true;
  }

  private static ApiException invalid(Attributes a, String field, String detail) {
    return ApiException.invalid(a.type(), a.name(), field, detail);
  }
}
