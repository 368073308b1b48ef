package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.auth.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data directory a hub creates is 0700 and everything secret in it 0600 (the database, its WAL
 * and shared memory included); loosened modes are reported at the next start.
 */
class DataDirectoryIT {
  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aNewHubKeepsItsDataToItsOwner() throws Exception {
    Path data = Files.createTempDirectory("flotilla-perm").resolve("data");
    try (TestHub hub = TestHub.start(HubConfig.of(data, 0));
        var c = hub.client()) {
      c.configMaps()
          .inNamespace("default")
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("x")
                  .endMetadata()
                  .build())
          .create();
      assertEquals("rwx------", mode(data));
      assertEquals("rwx------", mode(data.resolve("store")));
      try (Stream<Path> store = Files.list(data.resolve("store"))) {
        List<Path> files = store.toList();
        assertTrue(
            files.stream().anyMatch(f -> f.getFileName().toString().endsWith("-wal")),
            files.toString());
        for (Path f : files) {
          assertEquals("rw-------", mode(f), f.toString());
        }
      }
      for (String secret :
          List.of("admin.token", "kubeconfig", "pki/ca.key", "pki/server.key", "pki/sa.key")) {
        assertEquals("rw-------", mode(data.resolve(secret)), secret);
      }
      assertEquals(List.of(), DataDirectory.prepare(data), "nothing to warn about");
    }
  }

  @Test
  void looseModesAreReportedWithTheFix() throws Exception {
    Path data = Files.createTempDirectory("flotilla-perm").resolve("data");
    TestHub.start(HubConfig.of(data, 0)).close();
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        data.resolve("admin.token"), PosixFilePermissions.fromString("rw-r--r--"));
    List<String> warnings = DataDirectory.prepare(data);
    assertTrue(
        warnings.contains(
            "data directory "
                + data
                + " is mode 0755: other users can reach the store and"
                + " credentials; run chmod 700 "
                + data),
        warnings.toString());
    assertTrue(
        warnings.contains(
            "secret file "
                + data.resolve("admin.token")
                + " is mode 0644, readable by other"
                + " users; run chmod 600 "
                + data.resolve("admin.token")),
        warnings.toString());
    assertEquals(2, warnings.size(), warnings.toString());
  }
}
