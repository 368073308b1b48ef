package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PackerTest {
  private static byte[] work(int i) {
    return ("{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\",\"metadata\":{\"name\":"
            + "\"state-"
            + i
            + "-configmap\",\"namespace\":\"karmada-es-member"
            + (i % 10)
            + "\",\"labels\":{\"resourcebinding.karmada.io/permanent-id\":\"a1b2c3-"
            + i
            + "\",\"karmada.io/managed\":\"true\"}},\"spec\":{\"workload\":{\"manifests\":"
            + "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"payload\":\""
            + "x".repeat(200)
            + "\"}}]}},\"status\":{\"conditions\":[{\"type\":\"Applied\",\"status\":\"True\"}]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void packsAgainstTheFirstDocumentAndUnpacksEveryOneExactly() {
    Packer packer = new Packer();
    long plain = 0;
    long packed = 0;
    for (int i = 0; i < 200; i++) {
      byte[] doc = work(i);
      byte[] p = packer.pack(doc);
      assertArrayEquals(doc, packer.unpack(p), "document " + i);
      if (i > 0) {
        plain += doc.length;
        packed += p.length;
      }
    }
    assertTrue(
        packed * 4 < plain, "alike documents pack to under a quarter: " + packed + "/" + plain);
    byte[] other = "{\"something\":\"else entirely\"}".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(other, packer.unpack(packer.pack(other)));
    assertArrayEquals(new byte[0], packer.unpack(packer.pack(new byte[0])));
  }

  /** The zlib streams are shared by every thread and packer: each use must start clean. */
  @Test
  void packersOfDifferentKindsShareZlibStreamsAcrossThreads() throws Exception {
    Packer works = new Packer();
    Packer others = new Packer();
    works.pack(work(0));
    others.pack("{\"kind\":\"Other\",\"spec\":{\"y\":1}}".getBytes(StandardCharsets.UTF_8));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    Packer packer = (i + thread) % 2 == 0 ? works : others;
                    byte[] doc = work(i * 8 + thread);
                    assertArrayEquals(doc, packer.unpack(packer.pack(doc)), "document " + i);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(5, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
