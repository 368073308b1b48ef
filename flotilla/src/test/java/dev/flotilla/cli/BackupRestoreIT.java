package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's backup and restore commands, run as written: SQLite's online backup of a running
 * hub, and an etcd snapshot; either restored, the hub serves what was there at the backup (same
 * uids), and nothing written after it.
 */
class BackupRestoreIT {
  @TempDir Path tmp;

  private static ConfigMap create(KubernetesClient client, String name) {
    return client
        .configMaps()
        .inNamespace("default")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withData(Map.of("k", name))
                .build())
        .create();
  }

  private static ConfigMap get(KubernetesClient client, String name) {
    return client.configMaps().inNamespace("default").withName(name).get();
  }

  private static boolean onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void sqliteOnlineBackupRestoresTheHubAsItWas() throws Exception {
    // Outside CI a machine without the sqlite3 shell skips; CI installs it, and fails without.
    assumeTrue(
        "true".equals(System.getenv("CI")) || onPath("sqlite3"),
        "SKIPPED: no sqlite3 on PATH (apt-get install sqlite3)");
    Path data = tmp.resolve("hub");
    Path backup = tmp.resolve("flotilla-backup.db");
    ConfigMap before;
    try (HubServer hub = HubServer.create(HubConfig.of(data, 0)).start();
        KubernetesClient client = HubClients.admin(hub)) {
      before = create(client, "before");
      Process p =
          new ProcessBuilder(
                  "sqlite3",
                  data.resolve("store/flotilla.db").toString(),
                  ".backup '" + backup + "'")
              .inheritIO()
              .start();
      assertEquals(0, p.waitFor(), "sqlite3 .backup");
      create(client, "after");
    }
    Files.copy(backup, data.resolve("store/flotilla.db"), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(data.resolve("store/flotilla.db-wal"));
    Files.deleteIfExists(data.resolve("store/flotilla.db-shm"));
    try (HubServer hub = HubServer.create(HubConfig.of(data, 0)).start();
        KubernetesClient client = HubClients.admin(hub)) {
      assertEquals(before.getMetadata().getUid(), get(client, "before").getMetadata().getUid());
      assertNull(get(client, "after"), "written after the backup");
    }
  }

  @Test
  void etcdSnapshotRestoresTheHubAsItWas() throws Exception {
    assumeTrue(
        LocalEtcd.availableForTests(),
        "SKIPPED: etcd is not installed (apt-get install etcd-server)");
    Path data = tmp.resolve("hub");
    Path snapshot = tmp.resolve("flotilla.snap");
    ConfigMap before;
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      try (HubServer hub = EtcdHubIT.etcdHub(data, etcd.connection(EtcdConnection.DEFAULT_PREFIX));
          KubernetesClient client = HubClients.admin(hub)) {
        before = create(client, "before");
        etcd.snapshot(snapshot);
        create(client, "after");
      }
    }
    try (LocalEtcd restored = LocalEtcd.restore(tmp.resolve("restored"), snapshot);
        HubServer hub =
            EtcdHubIT.etcdHub(data, restored.connection(EtcdConnection.DEFAULT_PREFIX));
        KubernetesClient client = HubClients.admin(hub)) {
      ConfigMap back = get(client, "before");
      assertNotNull(back);
      assertEquals(before.getMetadata().getUid(), back.getMetadata().getUid());
      assertNull(get(client, "after"), "written after the snapshot");
    }
  }
}
