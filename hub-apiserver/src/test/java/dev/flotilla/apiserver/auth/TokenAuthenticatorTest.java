package dev.flotilla.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenAuthenticatorTest {
  @TempDir Path dir;

  @Test
  void adminTokenIsCreatedOnceAndPersists() throws Exception {
    TokenAuthenticator a = TokenAuthenticator.loadOrCreate(dir, Optional.empty());
    String token = a.adminToken();
    assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token); // 32 bytes, base64url, no padding
    assertEquals(token, Files.readString(dir.resolve("admin.token")).trim());
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(a.adminTokenPath())));
    }
    TokenAuthenticator b = TokenAuthenticator.loadOrCreate(dir, Optional.empty());
    assertEquals(token, b.adminToken());
    UserInfo u = b.authenticate("Bearer " + token).orElseThrow();
    assertEquals("admin", u.name());
    assertEquals(List.of("system:masters", "system:authenticated"), u.groups());

    Path other = Files.createDirectory(dir.resolve("other"));
    assertNotEquals(token, TokenAuthenticator.loadOrCreate(other, Optional.empty()).adminToken());
  }

  @Test
  void tokenFileWithQuotedGroups() throws Exception {
    Path csv = dir.resolve("tokens.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "# comment line",
            "tok-alice,alice,uid-1,\"dev,ops\"",
            "",
            "tok-bob, bob, uid-2",
            "tok-carol,carol,uid-3,\"a, \"\"b\"\"\",ignored-extra",
            ",nobody,uid-4",
            "tok-dave,dave,uid-5,single"));
    TokenAuthenticator a = TokenAuthenticator.loadOrCreate(dir, Optional.of(csv));
    assertEquals(
        new UserInfo("alice", "uid-1", List.of("dev", "ops", "system:authenticated")),
        a.authenticate("Bearer tok-alice").orElseThrow());
    assertEquals(
        new UserInfo("bob", "uid-2", List.of("system:authenticated")),
        a.authenticate("bearer tok-bob").orElseThrow());
    assertEquals(
        List.of("a", "\"b\"", "system:authenticated"),
        a.authenticate("BEARER tok-carol").orElseThrow().groups());
    assertEquals(
        List.of("single", "system:authenticated"),
        a.authenticate("Bearer tok-dave").orElseThrow().groups());
  }

  @Test
  void malformedTokenFileIsRejected() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "tok,user\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TokenAuthenticator.loadOrCreate(dir, Optional.of(csv)));
    assertTrue(e.getMessage().contains("at least 3 columns"), e.getMessage());
    Map<String, UserInfo> ok = TokenAuthenticator.parseTokenFile("x", "t,u,i\r\nt2,u2,i2");
    assertEquals(2, ok.size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Bearer",
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        "Token tok-x",
        "Bearer wrong",
        "Bearer tok-x extra",
        "tok-x",
        "Bearertok-x"
      })
  void rejectsWrongSchemeOrToken(String header) {
    TokenAuthenticator a = TokenAuthenticator.loadOrCreate(dir, Optional.empty());
    a.addToken("tok-x", new UserInfo("x", "", List.of()));
    assertEquals(Optional.empty(), a.authenticate(header));
    assertEquals(Optional.empty(), a.authenticate(null));
    assertTrue(a.authenticate("  Bearer   tok-x ").isPresent());
  }

  @Test
  void runtimeTokensRevocationAndSources() {
    TokenAuthenticator a = TokenAuthenticator.loadOrCreate(dir, Optional.empty());
    a.addToken(
        "member-1",
        new UserInfo("system:serviceaccount:flotilla:member-1", "u", List.of("flotilla:members")));
    assertEquals(
        "system:serviceaccount:flotilla:member-1",
        a.authenticate("Bearer member-1").orElseThrow().name());
    a.revoke("member-1");
    assertEquals(Optional.empty(), a.authenticate("Bearer member-1"));

    a.addSource(
        t ->
            t.equals("from-secret")
                ? Optional.of(new UserInfo("sa", "u2", List.of("system:authenticated")))
                : Optional.empty());
    assertEquals(
        List.of("system:authenticated"),
        a.authenticate("Bearer from-secret").orElseThrow().groups());
    assertEquals(Optional.empty(), a.authenticate("Bearer unknown"));

    a.revoke(a.adminToken());
    assertEquals(Optional.empty(), a.authenticate("Bearer " + a.adminToken()));
  }

  @Test
  void aDigestRememberedForARequestNeverOutlivesRevocationOrRotation() {
    TokenAuthenticator a = TokenAuthenticator.loadOrCreate(dir, Optional.empty());
    // With a costly check, costly() digests the token before authenticate() does: the second
    // digest comes from the thread's memo, which must not keep a revoked token valid.
    a.addCostlyCheck(t -> t.startsWith("jwt."));
    a.addToken("tok-aaaa", new UserInfo("alice", "1", List.of()));
    a.addToken("tok-bbbb", new UserInfo("bob", "2", List.of()));
    assertEquals(false, a.costly("Bearer tok-aaaa", null));
    assertEquals("alice", a.authenticate("Bearer tok-aaaa").orElseThrow().name());
    // Same length, other token: its own digest, not the memo's.
    assertEquals(false, a.costly("Bearer tok-bbbb", null));
    assertEquals("bob", a.authenticate("Bearer tok-bbbb").orElseThrow().name());
    assertEquals(TokenAuthenticator.digest("tok-bbbb"), TokenAuthenticator.digest("tok-bbbb"));
    assertNotEquals(TokenAuthenticator.digest("tok-aaaa"), TokenAuthenticator.digest("tok-bbbb"));

    a.revoke("tok-bbbb");
    assertEquals(Optional.empty(), a.authenticate("Bearer tok-bbbb"));
    assertEquals(Optional.empty(), a.authenticate("Bearer tok-bbbb"));

    a.addToken("tok-aaaa", new UserInfo("carol", "3", List.of()));
    assertEquals("carol", a.authenticate("Bearer tok-aaaa").orElseThrow().name());
  }
}
