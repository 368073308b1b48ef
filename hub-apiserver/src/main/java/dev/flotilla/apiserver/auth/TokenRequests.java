package dev.flotilla.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code serviceaccounts/token} subresource: a POSTed {@code authentication.k8s.io/v1}
 * TokenRequest is answered with a signed, expiring token for the ServiceAccount ({@code kubectl
 * create token}). Nothing is stored.
 */
public final class TokenRequests implements OperationHandler {
  static final String GROUP = "authentication.k8s.io";

  /** Upstream's bounds on {@code spec.expirationSeconds} (10 minutes, 2^32 seconds). */
  static final long MIN_EXPIRATION = 600;

  static final long MAX_EXPIRATION = 1L << 32;
  static final long DEFAULT_EXPIRATION = 3600;

  private final ResourceStorage storage;
  private final ServiceAccountTokens tokens;
  private final ResourceType serviceAccounts;

  public TokenRequests(ResourceStorage storage, ServiceAccountTokens tokens) {
    this.storage = storage;
    this.tokens = tokens;
    this.serviceAccounts = storage.registry().find("", "v1", "serviceaccounts").orElseThrow();
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest request) {
    if (!request.method().equals("POST")) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the requested resource: serviceaccounts/token"
              + " accepts only POST (create) of a TokenRequest");
    }
    String namespace = request.info().namespace();
    String name = request.info().name();
    ObjectNode body = request.bodyObject();
    String kind = body.path("kind").asText("TokenRequest");
    if (!kind.equals("TokenRequest")) {
      throw ApiException.badRequest(
          "serviceaccounts/token accepts a TokenRequest (" + GROUP + "/v1), got kind " + kind);
    }
    JsonNode spec = body.path("spec");
    List<String> audiences = audiences(spec.path("audiences"), name);
    long expiration = expiration(spec.path("expirationSeconds"), name);
    if (!spec.path("boundObjectRef").isMissingNode() && !spec.path("boundObjectRef").isNull()) {
      throw invalid(
          name,
          "spec.boundObjectRef",
          "Unsupported value: binding a token to a Pod, Secret or Node is not supported by this"
              + " hub; omit boundObjectRef (the token is bound to the ServiceAccount)");
    }
    ObjectNode account =
        storage
            .find(serviceAccounts, namespace, name)
            .orElseThrow(() -> ApiException.notFound(serviceAccounts, name));
    ObjectNode reply = Json.MAPPER.createObjectNode();
    reply.put("kind", "TokenRequest");
    reply.put("apiVersion", GROUP + "/v1");
    ObjectNode meta = reply.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    meta.put("creationTimestamp", Meta.now());
    ObjectNode outSpec = reply.putObject("spec");
    ArrayNode aud = outSpec.putArray("audiences");
    audiences.forEach(aud::add);
    outSpec.put("expirationSeconds", expiration);
    outSpec.putNull("boundObjectRef");
    ObjectNode status = reply.putObject("status");
    if (request.dryRun()) {
      // Validated, but a dry run issues no credential.
      status.put("token", "");
      status.putNull("expirationTimestamp");
    } else {
      ServiceAccountTokens.Issued issued =
          tokens.issue(namespace, name, Meta.uid(account), audiences, expiration);
      status.put("token", issued.token());
      status.put(
          "expirationTimestamp", issued.expires().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    return CompletableFuture.completedFuture(Reply.json(201, reply));
  }

  private List<String> audiences(JsonNode node, String name) {
    if (node.isMissingNode() || node.isNull() || (node.isArray() && node.isEmpty())) {
      return tokens.apiAudiences();
    }
    if (!node.isArray()) {
      throw invalid(name, "spec.audiences", "Invalid value: must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode a : node) {
      if (!a.isTextual() || a.asText().isEmpty()) {
        throw invalid(name, "spec.audiences", "Invalid value: audiences must be non-empty strings");
      }
      out.add(a.asText());
    }
    return out;
  }

  private static long expiration(JsonNode node, String name) {
    if (node.isMissingNode() || node.isNull()) {
      return DEFAULT_EXPIRATION;
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber()) {
      throw invalid(name, "spec.expirationSeconds", "Invalid value: must be an integer");
    }
    long s = node.asLong();
    if (s < MIN_EXPIRATION) {
      throw invalid(
          name,
          "spec.expirationSeconds",
          "Invalid value: " + s + ": may not specify a duration less than 10 minutes");
    }
    if (s > MAX_EXPIRATION) {
      throw invalid(
          name,
          "spec.expirationSeconds",
          "Invalid value: " + s + ": may not specify a duration larger than 2^32 seconds");
    }
    return s;
  }

  private static ApiException invalid(String name, String field, String message) {
    return new ApiException(
        422,
        "Invalid",
        "TokenRequest." + GROUP + " \"" + name + "\" is invalid: " + field + ": " + message,
        GROUP,
        "TokenRequest",
        name,
        List.of(new ApiException.Cause("FieldValueInvalid", field, message)));
  }
}
