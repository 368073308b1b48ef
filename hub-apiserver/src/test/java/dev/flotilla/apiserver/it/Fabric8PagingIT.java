package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chunked lists: limit and continue return every object exactly once, from one snapshot. */
class Fabric8PagingIT {
  private static final int COUNT = 1200;
  private static final long LIMIT = 500;

  private static TestHub hub;
  private static KubernetesClient client;
  private static String ns;
  private static Set<String> expected;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
    ns = newNamespace(client, "paging");
    expected = new HashSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<Void>> creates = new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        String name = String.format("cm-%04d", i);
        expected.add(name);
        creates.add(
            CompletableFuture.runAsync(
                () ->
                    client
                        .configMaps()
                        .inNamespace(ns)
                        .resource(
                            configMap(name, Map.of("parity", parity(name)), Map.of("v", name)))
                        .create(),
                pool));
      }
      CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }
    // Every namespace also holds the published CA, as upstream's do.
    Fabric8Support.await(
        "kube-root-ca.crt",
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    expected.add("kube-root-ca.crt");
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static ConfigMapList page(String continueToken) {
    return client
        .configMaps()
        .inNamespace(ns)
        .list(new ListOptionsBuilder().withLimit(LIMIT).withContinue(continueToken).build());
  }

  @Test
  void pagesReturnEveryObjectOnce() {
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String token = null;
    do {
      ConfigMapList list = page(token);
      assertTrue(list.getItems().size() <= LIMIT, "a page holds at most limit items");
      sizes.add(list.getItems().size());
      list.getItems().forEach(cm -> seen.add(cm.getMetadata().getName()));
      token = list.getMetadata().getContinue();
      if (token != null && token.isEmpty()) {
        token = null;
      }
    } while (token != null && sizes.size() < 10);
    assertEquals(List.of(500, 500, expected.size() - 1000), sizes, "page sizes");
    assertEquals(expected.size(), seen.size(), "no object is listed twice");
    assertEquals(expected, new HashSet<>(seen));
    List<String> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    assertEquals(sorted, seen, "lists come in key order");
  }

  @Test
  void laterPagesComeFromTheFirstPagesSnapshot() {
    ConfigMapList first = page(null);
    String rv = first.getMetadata().getResourceVersion();
    String token = first.getMetadata().getContinue();
    assertNotNull(token, "a first page of " + LIMIT + " out of " + COUNT + " has a continue token");
    // Writes after the first page must not show up in (or vanish from) the later pages.
    client.configMaps().inNamespace(ns).resource(configMap("cm-9999", Map.of(), Map.of())).create();
    client.configMaps().inNamespace(ns).withName("cm-1100").delete();
    try {
      Set<String> seen = new HashSet<>();
      first.getItems().forEach(cm -> seen.add(cm.getMetadata().getName()));
      while (token != null && !token.isEmpty()) {
        ConfigMapList next = page(token);
        assertEquals(
            rv,
            next.getMetadata().getResourceVersion(),
            "continued pages report the first page's resourceVersion");
        for (ConfigMap cm : next.getItems()) {
          assertTrue(
              seen.add(cm.getMetadata().getName()), "listed twice: " + cm.getMetadata().getName());
        }
        token = next.getMetadata().getContinue();
      }
      assertEquals(expected, seen);
    } finally {
      client.configMaps().inNamespace(ns).withName("cm-9999").delete();
      client
          .configMaps()
          .inNamespace(ns)
          .resource(
              configMap("cm-1100", Map.of("parity", parity("cm-1100")), Map.of("v", "cm-1100")))
          .create();
    }
  }

  private static String parity(String name) {
    return Integer.parseInt(name.substring(3)) % 2 == 0 ? "even" : "odd";
  }

  @Test
  void pagesOfASelectionAreFull() {
    Set<String> seen = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    String token = null;
    do {
      ConfigMapList list =
          client
              .configMaps()
              .inNamespace(ns)
              .list(
                  new ListOptionsBuilder()
                      .withLabelSelector("parity=even")
                      .withLimit(250L)
                      .withContinue(token)
                      .build());
      sizes.add(list.getItems().size());
      for (ConfigMap cm : list.getItems()) {
        assertEquals("even", cm.getMetadata().getLabels().get("parity"));
        assertTrue(
            seen.add(cm.getMetadata().getName()), "listed twice: " + cm.getMetadata().getName());
      }
      token = list.getMetadata().getContinue();
    } while (token != null && !token.isEmpty() && sizes.size() < 10);
    assertEquals(COUNT / 2, seen.size());
    assertEquals(List.of(250, 250, 100), sizes, "pages are filled up to the limit with matches");
  }

  @Test
  void pagesAcrossAllNamespaces() {
    Set<String> seen = new HashSet<>();
    String token = null;
    int pages = 0;
    do {
      ConfigMapList list =
          client
              .configMaps()
              .inAnyNamespace()
              .list(new ListOptionsBuilder().withLimit(LIMIT).withContinue(token).build());
      pages++;
      for (ConfigMap cm : list.getItems()) {
        assertTrue(seen.add(cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName()));
      }
      token = list.getMetadata().getContinue();
    } while (token != null && !token.isEmpty() && pages < 10);
    assertEquals(3, pages);
    for (String name : expected) {
      assertTrue(seen.contains(ns + "/" + name), name);
    }
  }

  @Test
  void fullListWithoutLimitHasNoContinue() {
    ConfigMapList all = client.configMaps().inNamespace(ns).list();
    assertEquals(expected.size(), all.getItems().size());
    String token = all.getMetadata().getContinue();
    assertTrue(token == null || token.isEmpty(), "no continue token without a limit");
  }

  @Test
  void invalidContinueTokenIsBadRequest() {
    failsWith(400, "BadRequest", () -> page("not-a-continue-token"));
    String wrongShape =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                "{\"v\":\"meta.k8s.io/v1\",\"rv\":-1}".getBytes(StandardCharsets.UTF_8));
    failsWith(400, "BadRequest", () -> page(wrongShape));
  }

  @Test
  void continueTokenAfterCompactionIsExpired() {
    ConfigMapList first = page(null);
    String token = first.getMetadata().getContinue();
    assertNotNull(token);
    client
        .configMaps()
        .inNamespace(ns)
        .resource(configMap("cm-compact", Map.of(), Map.of()))
        .create();
    try {
      hub.server().storage().store().compact(hub.server().storage().store().currentRevision());
      failsWith(410, "Expired", () -> page(token));
    } finally {
      client.configMaps().inNamespace(ns).withName("cm-compact").delete();
    }
  }
}
