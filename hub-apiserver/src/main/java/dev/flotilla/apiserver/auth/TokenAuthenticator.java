package dev.flotilla.apiserver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Bearer-token authentication: admin token, kube-style token file, runtime tokens, plug-in sources.
 */
public final class TokenAuthenticator {
  /** Added to every authenticated user, as kube-apiserver's AuthenticatedGroupAdder does. */
  public static final String AUTHENTICATED_GROUP = "system:authenticated";

  /** kube-apiserver's anonymous user, in {@value #UNAUTHENTICATED_GROUP} only. */
  public static final String ANONYMOUS_USER = "system:anonymous";

  public static final String UNAUTHENTICATED_GROUP = "system:unauthenticated";

  private static final UserInfo ANONYMOUS =
      new UserInfo(ANONYMOUS_USER, "", List.of(UNAUTHENTICATED_GROUP));

  private volatile boolean anonymous;

  public static final UserInfo ADMIN =
      new UserInfo("admin", "admin", List.of("system:masters", AUTHENTICATED_GROUP));

  /**
   * Keyed by the hex SHA-256 of the token: the map lookup then compares digests, not secrets, so
   * its timing reveals nothing usable about a valid token (the constant-time property we need).
   */
  private final Map<String, UserInfo> tokens = new ConcurrentHashMap<>();

  private final List<Function<String, Optional<UserInfo>>> sources = new CopyOnWriteArrayList<>();
  private final List<java.util.function.Predicate<String>> costlyChecks =
      new CopyOnWriteArrayList<>();
  private final List<java.util.function.BiFunction<String, List<String>, Optional<Reviewed>>>
      audienceSources = new CopyOnWriteArrayList<>();

  /** The audiences a credential for this hub is meant for (kube-apiserver's --api-audiences). */
  public static final List<String> API_AUDIENCES = List.of(ServiceAccountTokens.ISSUER);

  /** Who a reviewed token is, and the requested audiences it is valid for. */
  public record Reviewed(UserInfo user, List<String> audiences) {}

  private final String adminToken;
  private final Path adminTokenPath;

  private TokenAuthenticator(String adminToken, Path adminTokenPath) {
    this.adminToken = adminToken;
    this.adminTokenPath = adminTokenPath;
    tokens.put(digest(adminToken), ADMIN);
  }

  /**
   * Reads {@code dataDir/admin.token}, creating it (32 random bytes, base64url, mode 0600) on first
   * start, then loads the optional {@code --token-auth-file} style CSV.
   *
   * @throws IllegalArgumentException when the token file is malformed (line number given)
   */
  public static TokenAuthenticator loadOrCreate(Path dataDir, Optional<Path> tokenAuthFile) {
    Path file = dataDir.resolve("admin.token");
    try {
      String token = Files.exists(file) ? Files.readString(file).trim() : "";
      if (token.isEmpty()) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        SecureFiles.write(file, token + "\n", true);
      }
      TokenAuthenticator auth = new TokenAuthenticator(token, file);
      if (tokenAuthFile.isPresent()) {
        Path csv = tokenAuthFile.get();
        parseTokenFile(csv.toString(), Files.readString(csv)).forEach(auth::addToken);
      }
      return auth;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create tokens under " + dataDir, e);
    }
  }

  /** The admin token, for writing the local kubeconfig. */
  public String adminToken() {
    return adminToken;
  }

  public Path adminTokenPath() {
    return adminTokenPath;
  }

  /** Accepts {@code token} for {@code user} from now on (replacing any earlier mapping). */
  public void addToken(String token, UserInfo user) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("token must not be empty");
    }
    tokens.put(digest(token), user);
  }

  /** Stops accepting {@code token} (from any static origin: admin file, token file or runtime). */
  public void revoke(String token) {
    if (token != null) {
      tokens.remove(digest(token));
    }
  }

  /**
   * Adds a lookup consulted, in order, after the static tokens (e.g. service-account token
   * Secrets).
   */
  public void addSource(Function<String, Optional<UserInfo>> source) {
    sources.add(source);
  }

  /**
   * Adds a test of whether a token's lookup is costly (e.g. a signature to verify), so that the
   * server authenticates such a request on a worker rather than the event loop.
   */
  public void addCostlyCheck(java.util.function.Predicate<String> costly) {
    costlyChecks.add(costly);
  }

  /**
   * Whether authenticating this request would do costly work (verify a signature), so that it must
   * not run on an event loop. A client certificate or a known static token is never costly.
   */
  public boolean costly(String authorizationHeaderValue, javax.net.ssl.SSLSession tls) {
    if (authorizationHeaderValue == null || costlyChecks.isEmpty()) {
      return false;
    }
    String h = authorizationHeaderValue.trim();
    int sp = indexOfWhitespace(h);
    if (sp < 0) {
      return false;
    }
    String token = h.substring(sp).trim();
    if (token.isEmpty() || tokens.containsKey(digest(token))) {
      return false;
    }
    for (var check : costlyChecks) {
      if (check.test(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds an audience-aware source: given a token and the audiences a TokenReview asks about, who it
   * is and for which of them (e.g. ServiceAccount tokens, which name their audiences).
   */
  public void addAudienceSource(
      java.util.function.BiFunction<String, List<String>, Optional<Reviewed>> source) {
    audienceSources.add(source);
  }

  /**
   * A TokenReview's answer for {@code token} and the requested {@code audiences} (empty: this
   * hub's). Audience-aware sources answer for any audience their tokens name; other tokens are
   * credentials for this hub only, so they are valid just where the request includes its audience,
   * as upstream's audience-agnostic authenticators.
   */
  public Optional<Reviewed> review(String token, List<String> audiences) {
    List<String> wanted = audiences.isEmpty() ? API_AUDIENCES : audiences;
    for (var source : audienceSources) {
      Optional<Reviewed> r = source.apply(token, wanted);
      if (r.isPresent()) {
        return r.map(x -> new Reviewed(x.user().withGroup(AUTHENTICATED_GROUP), x.audiences()));
      }
    }
    List<String> ours = wanted.stream().filter(API_AUDIENCES::contains).toList();
    if (ours.isEmpty()) {
      return Optional.empty();
    }
    return authenticate("Bearer " + token)
        .filter(u -> !u.name().startsWith(ServiceAccountTokens.USER_PREFIX))
        .map(u -> new Reviewed(u, ours));
  }

  /**
   * Authenticates a request as kube-apiserver's union does: its verified client certificate first,
   * then its bearer token.
   */
  public Optional<UserInfo> authenticate(
      String authorizationHeaderValue, javax.net.ssl.SSLSession tls) {
    Optional<UserInfo> byCertificate = ClientCertificates.user(tls);
    if (byCertificate.isPresent()) {
      return byCertificate.map(u -> u.withGroup(AUTHENTICATED_GROUP));
    }
    if (anonymous && authorizationHeaderValue == null) {
      // As upstream: only a request that presents no credential at all is anonymous; a wrong one
      // stays a 401.
      return Optional.of(ANONYMOUS);
    }
    return authenticate(authorizationHeaderValue);
  }

  /**
   * kube-apiserver's {@code --anonymous-auth}: whether a request with no credentials is {@code
   * system:anonymous} (RBAC then decides; the default policy lets it read health and version).
   */
  public void allowAnonymous(boolean allow) {
    this.anonymous = allow;
  }

  /**
   * Authenticates an {@code Authorization} header value of the form {@code Bearer <token>} (scheme
   * case-insensitive). Empty for a missing header, another scheme or an unknown token.
   */
  public Optional<UserInfo> authenticate(String authorizationHeaderValue) {
    if (authorizationHeaderValue == null) {
      return Optional.empty();
    }
    String h = authorizationHeaderValue.trim();
    int sp = indexOfWhitespace(h);
    if (sp < 0 || !h.substring(0, sp).equalsIgnoreCase("bearer")) {
      return Optional.empty();
    }
    String token = h.substring(sp).trim();
    if (token.isEmpty() || indexOfWhitespace(token) >= 0) {
      return Optional.empty();
    }
    UserInfo user = tokens.get(digest(token));
    if (user == null) {
      for (Function<String, Optional<UserInfo>> s : sources) {
        Optional<UserInfo> found = s.apply(token);
        if (found.isPresent()) {
          user = found.get();
          break;
        }
      }
    }
    return Optional.ofNullable(user).map(u -> u.withGroup(AUTHENTICATED_GROUP));
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Hex SHA-256 of a token, the form tokens are indexed and stored in. */
  public static String digest(String token) {
    byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
    LastDigest last = LAST_DIGEST.get();
    // A request's token is digested by costly() and again by authenticate(), on one thread. The
    // memo is compared in constant time, as the digest lookup is, and it holds no user: a revoked
    // token fails at the lookup that follows.
    if (last != null && MessageDigest.isEqual(last.token(), bytes)) {
      return last.digest();
    }
    MessageDigest md = SHA_256.get();
    String digest = HexFormat.of().formatHex(md.digest(bytes));
    LAST_DIGEST.set(new LastDigest(bytes, digest));
    return digest;
  }

  private record LastDigest(byte[] token, String digest) {}

  private static final ThreadLocal<LastDigest> LAST_DIGEST = new ThreadLocal<>();

  /** One SHA-256 per thread: getInstance looks the provider up on every call. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
            }
          });

  /**
   * Parses kube-apiserver's {@code --token-auth-file} CSV: {@code
   * token,user,uid[,"group1,group2"]}. As upstream: at least three columns, empty tokens are
   * skipped, a later duplicate wins; blank lines and (our addition) lines starting with '#' are
   * ignored.
   */
  static Map<String, UserInfo> parseTokenFile(String name, String content) {
    Map<String, UserInfo> result = new LinkedHashMap<>();
    int lineNo = 0;
    for (List<String> record : parseCsv(name, content)) {
      lineNo++;
      if (record.size() == 1 && (record.get(0).isBlank() || record.get(0).startsWith("#"))) {
        continue;
      }
      if (record.size() < 3) {
        throw new IllegalArgumentException(
            "token file '"
                + name
                + "' must have at least 3 columns"
                + " (token, user name, user uid), found "
                + record.size()
                + " in record "
                + lineNo);
      }
      if (record.get(0).isEmpty()) {
        continue;
      }
      List<String> groups = new ArrayList<>();
      if (record.size() >= 4) {
        // Upstream splits on ',' only; trimming and dropping empties forgives "a, b" and "".
        Arrays.stream(record.get(3).split(","))
            .map(String::trim)
            .filter(g -> !g.isEmpty())
            .forEach(groups::add);
      }
      result.put(record.get(0), new UserInfo(record.get(1), record.get(2), groups));
    }
    return result;
  }

  /** Minimal RFC 4180 reader as Go's encoding/csv with TrimLeadingSpace: quotes, "" escapes. */
  private static List<List<String>> parseCsv(String name, String content) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldStart = true;
    String s = content.replace("\r\n", "\n");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && fieldStart) {
        quoted = true;
        fieldStart = false;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        fieldStart = true;
      } else if (c == '\n') {
        record.add(field.toString());
        records.add(record);
        record = new ArrayList<>();
        field.setLength(0);
        fieldStart = true;
      } else if (fieldStart && (c == ' ' || c == '\t')) {
        continue; // TrimLeadingSpace
      } else {
        field.append(c);
        fieldStart = false;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(
          "token file '" + name + "': a quoted field is never closed");
    }
    if (field.length() > 0 || !record.isEmpty()) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }
}
