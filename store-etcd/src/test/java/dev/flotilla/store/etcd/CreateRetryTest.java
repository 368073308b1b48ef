package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.storage.ValueTransformer;
import dev.flotilla.apiserver.storage.WriteResult;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create whose answer is lost (a member that dies after etcd committed it, a leader change) is
 * sent again, and the retry tells its own write from another writer's; one that meets an etcd
 * member gone, or etcd unreachable, goes on on the others or once it is back.
 */
class CreateRetryTest {
  @TempDir static Path dir;
  private static LocalEtcd etcd;
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @BeforeAll
  static void startEtcd() throws Exception {
    EtcdTests.requireEtcd();
    etcd = LocalEtcd.start(dir.resolve("one"), 1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  /**
   * Replaces the answer of the next {@code toLose} Txn calls, which etcd did serve, with
   * UNAVAILABLE.
   */
  static final class LoseAnswers implements ClientInterceptor {
    final AtomicInteger toLose = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      ClientCall<Q, R> call = next.newCall(method, options);
      if (!method.getFullMethodName().equals("etcdserverpb.KV/Txn")) {
        return call;
      }
      calls.incrementAndGet();
      if (toLose.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onMessage(R message) {
                  // etcd answered; the caller never hears it
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                  lost.incrementAndGet();
                  super.onClose(
                      Status.UNAVAILABLE.withDescription("the test lost etcd's answer"), trailers);
                }
              },
              headers);
        }
      };
    }
  }

  private static EtcdStore open(EtcdConnection connection, ClientInterceptor extra) {
    ClientBuilder settings = connection.settings();
    List<ClientInterceptor> all = new ArrayList<>(settings.interceptors());
    all.add(extra);
    settings.interceptors(all);
    return EtcdStore.open(
        settings,
        new EtcdStore.Limits(1 << 20, 10_000, 8 << 20),
        EtcdStoreTest.SUFFIX,
        ValueTransformer.IDENTITY);
  }

  private static EtcdStore open(EtcdConnection connection) {
    return EtcdStore.open(
        connection,
        new EtcdStore.Limits(1 << 20, 10_000, 8 << 20),
        EtcdStoreTest.SUFFIX,
        ValueTransformer.IDENTITY);
  }

  /**
   * A create whose answer is lost may have been applied: it fails, and is not sent again (a re-sent
   * create could bring back an object deleted meanwhile); the caller sees an error, not a 409.
   */
  @Test
  void aCreateWhoseAnswerWasLostFailsAndIsNotSentAgain() {
    LoseAnswers loss = new LoseAnswers();
    try (EtcdStore store = open(etcd.connection("/r" + PREFIXES.incrementAndGet()), loss)) {
      loss.toLose.set(1);
      java.util.concurrent.CompletionException failed =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.CompletionException.class,
              () -> store.create("/a", rev -> bytes("uid-1@" + rev)).join());
      assertEquals(1, loss.lost.get(), "etcd's answer was lost once: " + failed);
      assertEquals(1, loss.calls.get(), "and the create was not sent again");
      assertTrue(store.get("/a").isPresent(), "etcd had applied it");
    }
  }

  @Test
  void etcdsRefusalsBeforeAProposalAreTheOnlyOnesRetried() {
    assertTrue(
        TxnCalls.neverApplied(
            io.grpc.Status.UNAVAILABLE
                .withDescription("etcdserver: no leader")
                .asRuntimeException()));
    assertTrue(
        TxnCalls.neverApplied(
            io.grpc.Status.RESOURCE_EXHAUSTED
                .withDescription("etcdserver: too many requests")
                .asRuntimeException()));
    assertFalse(
        TxnCalls.neverApplied(
            io.grpc.Status.UNAVAILABLE
                .withDescription("etcdserver: request timed out")
                .asRuntimeException()));
    assertFalse(TxnCalls.neverApplied(io.grpc.Status.UNAVAILABLE.asRuntimeException()));
  }

  @Test
  void aCreateSentWhileEtcdIsUnreachableCompletesOnceItIsBack() throws Exception {
    int port = etcd.members().get(0).clientUrl().getPort();
    try (CuttableProxy proxy = new CuttableProxy(port);
        EtcdStore store =
            open(
                EtcdConnection.of(
                    "http://127.0.0.1:" + proxy.port(), "/r" + PREFIXES.incrementAndGet()))) {
      proxy.cut();
      CompletableFuture<WriteResult> created = store.create("/c", rev -> bytes("c@" + rev));
      Thread.sleep(1500); // the call meets a cut connection and waits
      assertFalse(created.isDone(), "no answer while etcd is unreachable: " + created);
      proxy.restore();

      WriteResult result = created.get(60, TimeUnit.SECONDS);
      assertTrue(result.succeeded());
      assertEquals(result.kv().modRevision(), store.get("/c").orElseThrow().modRevision());
    }
  }

  @Test
  void createsGoOnWhenTheMemberTheyWereSentToDies(@TempDir Path three) throws Exception {
    try (LocalEtcd cluster = LocalEtcd.start(three, 3);
        EtcdStore store = open(cluster.connection("/r" + PREFIXES.incrementAndGet()))) {
      assertTrue(store.create("/before", rev -> bytes("x@" + rev)).join().succeeded());
      cluster.kill(cluster.members().get(0));

      // A create in flight as its member dies, or across the election after it, may fail (it may
      // have been applied: the caller decides, as a client of kube-apiserver does on a 5xx); the
      // store itself goes on, and a create sent again lands or finds itself already there.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < 20; i++) {
        int n = i;
        byte[] mine = bytes("y" + n);
        while (true) {
          try {
            WriteResult r = store.create("/after" + n, rev -> mine).join();
            assertTrue(
                r.succeeded() || java.util.Arrays.equals(mine, r.kv().value()),
                "create " + n + " after a member died");
            break;
          } catch (java.util.concurrent.CompletionException e) {
            assertTrue(System.nanoTime() < deadline, "the store went on within 60 s: " + e);
          }
        }
      }
      assertFalse(store.create("/before", rev -> bytes("z@" + rev)).join().succeeded());
      assertEquals(
          20, store.count("/after", dev.flotilla.apiserver.storage.Store.prefixEnd("/after")));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
