package dev.flotilla.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigWriterTest {
  @TempDir Path dir;
  private static final String PEM =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @Test
  void writesContextsThatParseBack() throws Exception {
    Path file = dir.resolve("sub/kubeconfig");
    KubeconfigWriter.write(
        file,
        List.of(
            KubeconfigContext.flotilla(6443, PEM, "admin-token"),
            new KubeconfigContext("member-a", "https://127.0.0.1:7443", PEM, "tok-a"),
            new KubeconfigContext("public", "https://api.example.com", null, null)),
        "flotilla");
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    assertEquals("v1", root.get("apiVersion").asText());
    assertEquals("Config", root.get("kind").asText());
    assertEquals("flotilla", root.get("current-context").asText());

    JsonNode cluster = root.get("clusters").get(0);
    assertEquals("flotilla", cluster.get("name").asText());
    assertEquals("https://127.0.0.1:6443", cluster.at("/cluster/server").asText());
    assertEquals(
        PEM,
        new String(
            Base64.getDecoder().decode(cluster.at("/cluster/certificate-authority-data").asText()),
            StandardCharsets.UTF_8));
    JsonNode user = root.get("users").get(0);
    assertEquals("flotilla-admin", user.get("name").asText());
    assertEquals("admin-token", user.at("/user/token").asText());
    JsonNode ctx = root.get("contexts").get(0);
    assertEquals("flotilla", ctx.get("name").asText());
    assertEquals("flotilla", ctx.at("/context/cluster").asText());
    assertEquals("flotilla-admin", ctx.at("/context/user").asText());

    assertEquals("member-a", root.at("/contexts/1/context/cluster").asText());
    assertEquals("member-a-admin", root.at("/users/1/name").asText());
    assertEquals("tok-a", root.at("/users/1/user/token").asText());
    assertFalse(root.at("/clusters/2/cluster").has("certificate-authority-data"));
    assertFalse(root.at("/users/2/user").has("token"));

    KubeconfigWriter.write(file, List.of(KubeconfigContext.flotilla(1, PEM, "t")), "flotilla");
    assertEquals(
        1, new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).get("contexts").size());
  }

  @Test
  void rejectsUnknownCurrentContextAndDuplicates() {
    Path file = dir.resolve("kc");
    KubeconfigContext c = KubeconfigContext.flotilla(1, PEM, "t");
    assertThrows(
        IllegalArgumentException.class, () -> KubeconfigWriter.write(file, List.of(c), "nope"));
    assertThrows(
        IllegalArgumentException.class,
        () -> KubeconfigWriter.write(file, List.of(c, c), "flotilla"));
    assertFalse(Files.exists(file));
  }
}
