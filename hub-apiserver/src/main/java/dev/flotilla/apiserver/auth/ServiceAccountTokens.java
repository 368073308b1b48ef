package dev.flotilla.apiserver.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.flotilla.apiserver.objects.Json;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bound ServiceAccount tokens as kube-apiserver issues them for TokenRequest: ES256-signed JWTs
 * with upstream's claims ({@code iss}, {@code aud}, {@code exp}, {@code iat}, {@code nbf}, {@code
 * sub}, {@code jti} and {@code kubernetes.io: {namespace, serviceaccount: {name, uid}}}), signed
 * with {@code pki/sa.key}. A token is accepted while it has not expired, names this hub's audience,
 * and its ServiceAccount still exists with the same uid: deleting the ServiceAccount (or recreating
 * it) ends every token issued for it.
 */
public final class ServiceAccountTokens {
  /** kubeadm's default {@code --service-account-issuer}; also the API audience, as upstream. */
  public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  public static final String USER_PREFIX = "system:serviceaccount:";
  public static final String ALL_GROUP = "system:serviceaccounts";

  /** Upstream's extra key naming the token (1.29+), so audit logs can tell tokens apart. */
  static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

  /** Verified tokens kept so a request costs a map lookup, not an ECDSA verification. */
  private static final int CACHE_LIMIT = 10_000;

  private final ECKey key;
  private final ECDSASigner signer;
  private final ECDSAVerifier verifier;
  private final ServiceAccountIndex accounts;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** What a valid token says, kept per token digest. */
  private record Verified(
      String namespace,
      String name,
      String uid,
      Instant expires,
      String jti,
      List<String> audiences) {}

  /** A newly issued token and when it expires. */
  public record Issued(String token, Instant expires) {}

  private ServiceAccountTokens(KeyPair pair, ServiceAccountIndex accounts) {
    try {
      this.key =
          new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
              .privateKey((ECPrivateKey) pair.getPrivate())
              .keyIDFromThumbprint()
              .build();
      this.signer = new ECDSASigner(key);
      this.verifier = new ECDSAVerifier(key.toECPublicKey());
    } catch (JOSEException e) {
      throw new IllegalStateException("the service account signing key is unusable: " + e, e);
    }
    this.accounts = accounts;
  }

  /** Loads {@code dataDir/pki/sa.key} (creating it, 0600, on first start). */
  public static ServiceAccountTokens loadOrCreate(Path dataDir, ServiceAccountIndex accounts) {
    return new ServiceAccountTokens(
        CertificateAuthority.loadOrCreateKeyPair(dataDir.resolve("pki").resolve("sa.key")),
        accounts);
  }

  /** The audiences a token must name (one of) to authenticate to this hub. */
  public List<String> apiAudiences() {
    return List.of(ISSUER);
  }

  /** Signs a token for the ServiceAccount {@code namespace/name} with {@code uid}. */
  public Issued issue(
      String namespace, String name, String uid, List<String> audiences, long expirationSeconds) {
    Instant now = Instant.now();
    Instant exp = now.plusSeconds(expirationSeconds);
    // Upstream's claims in upstream's order; aud is always a list (a JWT library would collapse
    // a single audience to a string, which some verifiers of Kubernetes tokens do not expect).
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", audiences);
    claims.put("exp", exp.getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("iss", ISSUER);
    claims.put("jti", UUID.randomUUID().toString());
    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("namespace", namespace);
    kubernetes.put("serviceaccount", Map.of("name", name, "uid", uid));
    claims.put("kubernetes.io", kubernetes);
    claims.put("nbf", now.getEpochSecond());
    claims.put("sub", USER_PREFIX + namespace + ":" + name);
    JWSObject jwt =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            new Payload(Json.write(Json.MAPPER.valueToTree(claims))));
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a service account token failed: " + e, e);
    }
    return new Issued(jwt.serialize(), exp);
  }

  /**
   * The ServiceAccount user a token stands for, if it is one of ours, unexpired, for this hub's
   * audience, and its account still exists; plug into {@link TokenAuthenticator#addSource}. A
   * cached token costs two map lookups; a first use verifies the signature, on a worker (see {@link
   * #needsVerification}).
   */
  public Optional<UserInfo> lookup(String token) {
    return lookup(token, apiAudiences());
  }

  /**
   * For a TokenReview: the account a token stands for and which of {@code audiences} it names, if
   * it names any; plug into {@link TokenAuthenticator#addAudienceSource}.
   */
  public Optional<TokenAuthenticator.Reviewed> review(String token, List<String> audiences) {
    return lookup(token, audiences)
        .map(
            user -> {
              List<String> named = verify(token, audiences).audiences();
              return new TokenAuthenticator.Reviewed(
                  user, audiences.stream().filter(named::contains).toList());
            });
  }

  /**
   * Whether authenticating {@code token} would verify a signature (a JWT not verified before): the
   * caller moves such a request off the event loop first.
   */
  public boolean needsVerification(String token) {
    return token.startsWith("eyJ")
        && token.chars().filter(c -> c == '.').count() == 2
        && !verified.containsKey(TokenAuthenticator.digest(token));
  }

  /** As {@link #lookup(String)}, accepting a token that names one of {@code audiences}. */
  public Optional<UserInfo> lookup(String token, List<String> audiences) {
    if (!token.startsWith("eyJ") || token.chars().filter(c -> c == '.').count() != 2) {
      return Optional.empty(); // not a JWT: spare the parse
    }
    String digest = TokenAuthenticator.digest(token);
    Verified v = verified.get(digest);
    if (v == null || !audiences.equals(apiAudiences())) {
      v = verify(token, audiences);
      if (v == null) {
        return Optional.empty();
      }
      if (audiences.equals(apiAudiences())) {
        if (verified.size() >= CACHE_LIMIT) {
          verified.clear(); // crude bound; tokens re-verify once
        }
        verified.put(digest, v);
      }
    }
    if (!Instant.now().isBefore(v.expires())) {
      verified.remove(digest);
      return Optional.empty();
    }
    if (!v.uid().equals(accounts.uid(v.namespace(), v.name()))) {
      return Optional.empty(); // the account was deleted (or replaced by a namesake)
    }
    return Optional.of(
        new UserInfo(
            USER_PREFIX + v.namespace() + ":" + v.name(),
            v.uid(),
            List.of(ALL_GROUP, ALL_GROUP + ":" + v.namespace()),
            v.jti() == null ? Map.of() : Map.of(CREDENTIAL_ID, List.of("JTI=" + v.jti()))));
  }

  private Verified verify(String token, List<String> audiences) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      Date nbf = claims.getNotBeforeTime();
      if (!ISSUER.equals(claims.getIssuer())
          || exp == null
          || (nbf != null && nbf.toInstant().isAfter(Instant.now().plusSeconds(60)))
          || claims.getAudience().stream().noneMatch(audiences::contains)) {
        return null;
      }
      Map<String, Object> kubernetes = claims.getJSONObjectClaim("kubernetes.io");
      if (kubernetes == null || !(kubernetes.get("serviceaccount") instanceof Map<?, ?> sa)) {
        return null;
      }
      Object ns = kubernetes.get("namespace");
      Object name = sa.get("name");
      Object uid = sa.get("uid");
      if (!(ns instanceof String) || !(name instanceof String) || !(uid instanceof String)) {
        return null;
      }
      return new Verified(
          (String) ns,
          (String) name,
          (String) uid,
          exp.toInstant(),
          claims.getJWTID(),
          List.copyOf(claims.getAudience()));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }
}
