package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.EtcdStore;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The hub on etcd through its real HTTP surface: {@code flotilla migrate} moves a SQLite hub's
 * objects into etcd with their uids, and two hubs on one etcd serve one history to clients of
 * either.
 */
class EtcdHubIT {
  @TempDir Path tmp;

  static void requireEtcd() {
    assumeTrue(
        LocalEtcd.availableForTests(),
        "SKIPPED: etcd is not installed (apt-get install etcd-server)");
  }

  static HubServer etcdHub(Path dataDir, EtcdConnection etcd) {
    return HubServer.create(
            HubConfig.of(dataDir, 0),
            new HubServer.Hosting(null, false, t -> EtcdStore.open(etcd, t)))
        .start();
  }

  private static int migrate(StringWriter out, String... args) {
    CommandLine cli = new CommandLine(new FlotillaCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(Stream.concat(Stream.of("migrate"), Stream.of(args)).toArray(String[]::new));
  }

  @Test
  void migrateCopiesASqliteHubIntoEtcdKeepingUidsAndEverything() throws Exception {
    requireEtcd();
    Path data = tmp.resolve("hub");
    ConfigMap before;
    String nsUid;
    try (HubServer hub = HubServer.create(HubConfig.of(data, 0)).start();
        KubernetesClient client = HubClients.admin(hub)) {
      nsUid =
          client
              .namespaces()
              .resource(
                  new NamespaceBuilder().withNewMetadata().withName("moved").endMetadata().build())
              .create()
              .getMetadata()
              .getUid();
      before =
          client
              .configMaps()
              .inNamespace("moved")
              .resource(
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("settings")
                      .withLabels(Map.of("tier", "gold"))
                      .withFinalizers("example.com/keep")
                      .endMetadata()
                      .withData(Map.of("k", "v"))
                      .build())
              .create();
    }
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      StringWriter out = new StringWriter();
      int code = migrate(out, "--from", "sqlite:" + data, "--to", "etcd:" + etcd.servers());
      assertEquals(0, code, out.toString());
      assertTrue(out.toString().contains("Copied "), out.toString());
      StringWriter again = new StringWriter();
      assertEquals(
          1,
          migrate(again, "--from", "sqlite:" + data, "--to", "etcd:" + etcd.servers()),
          "a second copy into the same prefix is refused");
      assertTrue(again.toString().contains("refusing"), again.toString());
      StringWriter bad = new StringWriter();
      assertNotEquals(0, migrate(bad, "--from", data.toString(), "--to", "etcd:" + etcd.servers()));
      assertTrue(bad.toString().contains("--from must be sqlite:DIR"), bad.toString());

      try (HubServer hub = etcdHub(data, etcd.connection(EtcdConnection.DEFAULT_PREFIX));
          KubernetesClient client = HubClients.admin(hub)) {
        ConfigMap after = client.configMaps().inNamespace("moved").withName("settings").get();
        assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid());
        assertEquals(
            before.getMetadata().getCreationTimestamp(),
            after.getMetadata().getCreationTimestamp());
        assertEquals(before.getMetadata().getLabels(), after.getMetadata().getLabels());
        assertEquals(before.getMetadata().getFinalizers(), after.getMetadata().getFinalizers());
        assertEquals(before.getData(), after.getData());
        assertEquals(nsUid, client.namespaces().withName("moved").get().getMetadata().getUid());
        // The copy is live: a compare-and-swap update on it goes through at etcd's revision.
        after.getData().put("k", "v2");
        ConfigMap updated = client.configMaps().inNamespace("moved").resource(after).update();
        assertTrue(
            Long.parseLong(updated.getMetadata().getResourceVersion())
                > Long.parseLong(after.getMetadata().getResourceVersion()));
        // The answer carries the revision etcd wrote (etcd tells it only at commit).
        assertEquals(
            client
                .configMaps()
                .inNamespace("moved")
                .withName("settings")
                .get()
                .getMetadata()
                .getResourceVersion(),
            updated.getMetadata().getResourceVersion());
      }
    }
  }

  @Test
  void twoHubsOnOneEtcdServeOneHistory() throws Exception {
    requireEtcd();
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      EtcdConnection connection = etcd.connection("/two");
      Path dataA = tmp.resolve("a");
      try (HubServer a = etcdHub(dataA, connection)) {
        // The second replica is given the first one's CA and tokens, as a Secret mounted in
        // both would give them.
        Path dataB = tmp.resolve("b");
        copyTree(dataA, dataB, List.of("store"));
        try (HubServer b = etcdHub(dataB, connection);
            KubernetesClient clientA = HubClients.admin(a);
            KubernetesClient clientB = HubClients.admin(b)) {
          BlockingQueue<String> seenByB = new LinkedBlockingQueue<>();
          var watch =
              clientB
                  .configMaps()
                  .inNamespace("default")
                  .withLabel("app", "shared")
                  .watch(
                      new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, ConfigMap cm) {
                          seenByB.add(action + " " + cm.getData().get("n"));
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                      });
          ConfigMap created =
              clientA
                  .configMaps()
                  .inNamespace("default")
                  .resource(
                      new ConfigMapBuilder()
                          .withNewMetadata()
                          .withName("shared")
                          .withLabels(Map.of("app", "shared"))
                          .endMetadata()
                          .withData(Map.of("n", "1"))
                          .build())
                  .create();
          ConfigMap viaB = clientB.configMaps().inNamespace("default").withName("shared").get();
          assertEquals(created.getMetadata().getUid(), viaB.getMetadata().getUid());
          assertEquals(
              created.getMetadata().getResourceVersion(), viaB.getMetadata().getResourceVersion());
          // A second create of the name, from the other hub, finds it in etcd: 409 AlreadyExists.
          io.fabric8.kubernetes.client.KubernetesClientException exists =
              org.junit.jupiter.api.Assertions.assertThrows(
                  io.fabric8.kubernetes.client.KubernetesClientException.class,
                  () ->
                      clientB
                          .configMaps()
                          .inNamespace("default")
                          .resource(
                              new ConfigMapBuilder()
                                  .withNewMetadata()
                                  .withName("shared")
                                  .endMetadata()
                                  .withData(Map.of("n", "other"))
                                  .build())
                          .create());
          assertEquals(409, exists.getCode());
          assertEquals("AlreadyExists", exists.getStatus().getReason());
          viaB.getData().put("n", "2");
          clientB.configMaps().inNamespace("default").resource(viaB).update();
          // A's copy is stale now: its update is refused with a conflict, from either hub.
          created.getData().put("n", "3");
          io.fabric8.kubernetes.client.KubernetesClientException conflict =
              org.junit.jupiter.api.Assertions.assertThrows(
                  io.fabric8.kubernetes.client.KubernetesClientException.class,
                  () -> clientA.configMaps().inNamespace("default").resource(created).update());
          assertEquals(409, conflict.getCode());
          clientA.configMaps().inNamespace("default").withName("shared").delete();
          assertEquals("ADDED 1", seenByB.poll(60, TimeUnit.SECONDS));
          assertEquals("MODIFIED 2", seenByB.poll(60, TimeUnit.SECONDS));
          assertEquals("DELETED 2", seenByB.poll(60, TimeUnit.SECONDS));
          watch.close();
        }
      }
    }
  }

  @Test
  void badEtcdFlagsAreRefusedAtTheCommandLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new FlotillaCommand());
    cli.setErr(new PrintWriter(err, true));
    String data = tmp.resolve("flags").toString();
    assertEquals(2, cli.execute("hub", "--data-dir", data, "--etcd-servers", "ftp://x:2379"));
    assertTrue(err.toString().contains("is not an http:// or https:// URL"), err.toString());
    assertEquals(2, cli.execute("hub", "--data-dir", data, "--etcd-certfile", "/tmp/c.pem"));
    assertTrue(err.toString().contains("need --etcd-servers"), err.toString());
    assertEquals(
        2,
        cli.execute(
            "hub", "--data-dir", data, "--etcd-servers", "http://a:2379", "--etcd-prefix", "x/"));
    assertTrue(err.toString().contains("--etcd-prefix must start with /"), err.toString());
  }

  static void copyTree(Path from, Path to, List<String> skip) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path rel = from.relativize(p);
        if (!rel.toString().isEmpty() && skip.contains(rel.getName(0).toString())) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
