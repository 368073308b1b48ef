package dev.flotilla.store.etcd;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.EventLog;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.ValueEncoder;
import dev.flotilla.apiserver.storage.ValueTransformer;
import dev.flotilla.apiserver.storage.WriteResult;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on an etcd cluster, for several hub replicas: resourceVersion is etcd's revision, each
 * write one transaction comparing the key's revision, reads linearizable, and every watch served
 * from this hub's window of one etcd watch on the whole prefix. Keys are kube-apiserver's ({@code
 * /registry/<group>/<resource>/[<ns>/]<name>}) under the connection's prefix.
 */
public final class EtcdStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);
  private static final ByteSequence NO_KEY = bytes("/");

  /** Where replicas record the last periodic compaction (kube-apiserver's compact_rev_key). */
  static final ByteSequence COMPACT_KEY = bytes("/compact_rev_key");

  private static final long TIMEOUT_SECONDS = 60;

  /** What the store keeps on the heap, as {@code SqliteStore.Limits} names them. */
  public record Limits(long cacheBytes, int windowEvents, long windowBytes) {
    /** The SQLite driver's system properties, so one set of flags bounds either store. */
    public static Limits fromSystemProperties() {
      return new Limits(
          Long.getLong("flotilla.store.cacheMiB", 16) << 20,
          Integer.getInteger("flotilla.store.windowEvents", 50_000),
          Long.getLong("flotilla.store.windowMiB", 16) << 20);
    }
  }

  private final Client client;
  private final KV kv;
  private final TxnCalls txns;
  private final StampedValues values;
  private final EventLog events;
  private final EtcdEventFeed feed;
  private volatile long compacted;

  /** The version of {@link #COMPACT_KEY} this hub last saw: rounds compacted so far, by anyone. */
  private long compactRounds;

  private EtcdStore(
      Client client, TxnCalls txns, Limits limits, Restamp restamp, ValueTransformer transformer) {
    this.client = client;
    this.kv = client.getKVClient();
    this.txns = txns;
    this.values = new StampedValues(limits.cacheBytes(), restamp, transformer);
    long now = currentRevision();
    this.events = new EventLog(limits.windowEvents(), limits.windowBytes(), now);
    this.feed = new EtcdEventFeed(client, events, values, now, this::currentRevision);
  }

  /** Connects to etcd and starts following it, for objects stored as Kubernetes JSON. */
  public static EtcdStore open(EtcdConnection connection) {
    return open(connection, ValueTransformer.IDENTITY);
  }

  /** As {@link #open(EtcdConnection)}, with values transformed in etcd (encryption at rest). */
  public static EtcdStore open(EtcdConnection connection, ValueTransformer transformer) {
    return open(
        connection, Limits.fromSystemProperties(), Restamp.JSON_RESOURCE_VERSION, transformer);
  }

  /** As {@link #open(EtcdConnection)}, with the given heap bounds and revision stamping. */
  public static EtcdStore open(
      EtcdConnection connection, Limits limits, Restamp restamp, ValueTransformer transformer) {
    ClientBuilder settings = connection.settings();
    try {
      return open(settings, limits, restamp, transformer);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot reach etcd at " + connection.servers() + ": " + e.getMessage(), e);
    }
  }

  /** As above, on jetcd client settings as {@link EtcdConnection#settings()} makes them. */
  static EtcdStore open(
      ClientBuilder settings, Limits limits, Restamp restamp, ValueTransformer transformer) {
    Client client = settings.build();
    TxnCalls txns = TxnCalls.open(settings);
    try {
      EtcdStore store = new EtcdStore(client, txns, limits, restamp, transformer);
      store.feed.start();
      return store;
    } catch (RuntimeException e) {
      txns.close();
      client.close();
      throw e;
    }
  }

  @Override
  public long currentRevision() {
    // A linearizable read of a key that never exists: its header carries the cluster's revision,
    // so a hub never reports less than what another hub has already acknowledged.
    GetResponse r = await(kv.get(NO_KEY, GetOption.builder().withCountOnly(true).build()));
    return r.getHeader().getRevision();
  }

  @Override
  public long compactedRevision() {
    return compacted;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    GetResponse r = await(kv.get(bytes(key)));
    return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toKeyValue(r.getKvs().get(0)));
  }

  @Override
  public RangeResult range(String fromKey, String toKey, long revision, int limit) {
    GetOption.Builder option =
        GetOption.builder().withRange(bytes(toKey)).withLimit(Math.max(0, limit));
    if (revision > 0) {
      option.withRevision(revision);
    }
    GetResponse r;
    try {
      r = await(kv.get(bytes(fromKey), option.build()));
    } catch (CompactedException e) {
      throw new CompactedException(revision, e.compacted());
    } catch (RuntimeException e) {
      if (isFutureRevision(e)) {
        return range(fromKey, toKey, 0, limit); // as the embedded store, "at or after" the present
      }
      throw e;
    }
    List<KeyValue> items = new ArrayList<>(r.getKvs().size());
    for (io.etcd.jetcd.KeyValue item : r.getKvs()) {
      items.add(toKeyValue(item));
    }
    long at = revision > 0 ? revision : r.getHeader().getRevision();
    return new RangeResult(items, at, r.isMore());
  }

  @Override
  public long count(String fromKey, String toKey) {
    GetOption option = GetOption.builder().withRange(bytes(toKey)).withCountOnly(true).build();
    return await(kv.get(bytes(fromKey), option)).getCount();
  }

  /**
   * One transaction: put if the key was never created, else read what is there. It goes on etcd's
   * generated gRPC method ({@link TxnCalls}), not through jetcd: creates are the hub's most
   * frequent write, and jetcd's layers cost the hub more CPU per create than the call itself.
   */
  @Override
  public CompletableFuture<WriteResult> create(String key, ValueEncoder value) {
    ByteString k = txns.key(key);
    byte[] atZero = value.encode(0);
    ByteString stored = UnsafeByteOperations.unsafeWrap(values.toStorageBytes(key, atZero));
    TxnRequest request =
        TxnRequest.newBuilder()
            .addCompare(
                Compare.newBuilder()
                    .setKey(k)
                    .setTarget(Compare.CompareTarget.CREATE)
                    .setResult(Compare.CompareResult.EQUAL)
                    .setCreateRevision(0))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestPut(PutRequest.newBuilder().setKey(k).setValue(stored)))
            .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)))
            .build();
    return txns.txn(request)
        .thenApply(
            r -> {
              if (r.getSucceeded()) {
                long rev = r.getHeader().getRevision();
                return new WriteResult(true, written(key, atZero, rev, rev));
              }
              List<io.etcd.jetcd.api.KeyValue> kvs =
                  r.getResponses(0).getResponseRange().getKvsList();
              if (kvs.isEmpty()) {
                return new WriteResult(false, null);
              }
              io.etcd.jetcd.api.KeyValue there = kvs.get(0);
              return new WriteResult(
                  false,
                  new KeyValue(
                      key,
                      values.read(key, there.getModRevision(), there.getValue().toByteArray()),
                      there.getCreateRevision(),
                      there.getModRevision()));
            });
  }

  @Override
  public CompletableFuture<WriteResult> update(String key, long expected, ValueEncoder value) {
    ByteSequence k = bytes(key);
    byte[] atZero = value.encode(0);
    return kv.txn()
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
        .Then(Op.put(k, values.toStorage(key, atZero), PutOption.builder().withPrevKV().build()))
        .Else(Op.get(k, GetOption.DEFAULT))
        .commit()
        .thenApply(
            r -> {
              if (!r.isSucceeded()) {
                return new WriteResult(false, current(r));
              }
              long rev = r.getHeader().getRevision();
              long created = r.getPutResponses().get(0).getPrevKv().getCreateRevision();
              return new WriteResult(true, written(key, atZero, created, rev));
            });
  }

  @Override
  public CompletableFuture<WriteResult> delete(String key, long expected, ValueEncoder tombstone) {
    ByteSequence k = bytes(key);
    Cmp condition =
        expected == 0
            ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expected));
    EtcdEventFeed.PendingDelete pending = new EtcdEventFeed.PendingDelete(expected, tombstone);
    feed.deleting(key, pending);
    return kv.txn()
        .If(condition)
        .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
        .Else(Op.get(k, GetOption.DEFAULT))
        .commit()
        // A delete that happened stays pending until the feed sees its event (the watch may
        // deliver it after this response); one that did not happen goes now.
        .whenComplete(
            (r, error) -> {
              if (error != null || !r.isSucceeded()) {
                feed.deleted(key, pending);
              }
            })
        .thenApply(
            r -> {
              if (!r.isSucceeded()) {
                return new WriteResult(false, current(r));
              }
              long rev = r.getHeader().getRevision();
              io.etcd.jetcd.KeyValue last = r.getDeleteResponses().get(0).getPrevKvs().get(0);
              byte[] value =
                  tombstone != null
                      ? tombstone.encode(rev)
                      : values.read(key, last.getModRevision(), last.getValue());
              return new WriteResult(true, new KeyValue(key, value, last.getCreateRevision(), rev));
            });
  }

  /**
   * A watch for callers that cannot list again (tests, benchmarks): if this store has to end it
   * (see {@link #watch(String, long, Consumer, Runnable)}) that is logged as an error. The hub's
   * own watchers all pass a {@code gone} callback.
   */
  @Override
  public Watch watch(String prefix, long afterRevision, Consumer<StoreEvent> listener) {
    return watch(
        prefix,
        afterRevision,
        listener,
        () ->
            LOG.error(
                "a watch on "
                    + prefix
                    + " was ended by a compacted etcd watch and its caller cannot list again"));
  }

  @Override
  public Watch watch(
      String prefix, long afterRevision, Consumer<StoreEvent> listener, Runnable gone) {
    return events.subscribe(prefix, afterRevision, listener, gone);
  }

  @Override
  public void compact(long revision) {
    if (revision <= compacted) {
      return;
    }
    try {
      await(kv.compact(revision));
    } catch (CompactedException e) {
      // Another hub compacted at or past this revision already: the same outcome.
    }
    compacted = revision;
    events.compact(revision);
  }

  /**
   * kube-apiserver's way for several replicas on one etcd to compact once per round between them
   * (its {@code compact_rev_key}): a transaction puts the revision into {@link #COMPACT_KEY} only
   * if the key's version is still the one this hub last saw, and only the replica whose transaction
   * succeeds compacts. The others learn the new version and try again next round, so as long as the
   * winner lives it keeps winning, and when it dies the next replica's round takes over.
   */
  @Override
  public void compactRound(long revision) {
    if (revision <= compacted) {
      return;
    }
    try {
      TxnResponse r =
          await(
              kv.txn()
                  .If(new Cmp(COMPACT_KEY, Cmp.Op.EQUAL, CmpTarget.version(compactRounds)))
                  .Then(Op.put(COMPACT_KEY, bytes(Long.toString(revision)), PutOption.DEFAULT))
                  .Else(Op.get(COMPACT_KEY, GetOption.DEFAULT))
                  .commit());
      if (r.isSucceeded()) {
        compactRounds++;
        compact(revision);
        return;
      }
      List<io.etcd.jetcd.KeyValue> kvs = r.getGetResponses().get(0).getKvs();
      compactRounds = kvs.isEmpty() ? 0 : kvs.get(0).getVersion();
      if (!kvs.isEmpty()) {
        // Another replica compacted to this revision: its history is gone for us too.
        long theirs = Long.parseLong(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
        if (theirs > compacted) {
          compacted = theirs;
          events.compact(theirs);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("periodic compaction to revision " + revision + " failed; next round retries", e);
    }
  }

  /** How many client watches this hub's one etcd watch is fanned out to, for metrics. */
  public int watcherCount() {
    return events.subscriberCount();
  }

  /** How many times this hub's etcd watch lost history and every watch was ended, for tests. */
  public int feedRestarts() {
    return feed.restarts();
  }

  /** The revision this hub's event window has caught up to. */
  public long windowRevision() {
    return feed.lastRevision();
  }

  @Override
  public void close() {
    feed.close();
    txns.close();
    client.close();
  }

  /**
   * What a write of ours reads as: the value it stored, stamped as every reader stamps it (not
   * encoded a second time), so its answer and its watch event are the same bytes.
   */
  private KeyValue written(String key, byte[] atZero, long created, long rev) {
    return new KeyValue(key, values.written(rev, atZero), created, rev);
  }

  private KeyValue current(TxnResponse failed) {
    List<io.etcd.jetcd.KeyValue> kvs = failed.getGetResponses().get(0).getKvs();
    return kvs.isEmpty() ? null : toKeyValue(kvs.get(0));
  }

  private KeyValue toKeyValue(io.etcd.jetcd.KeyValue item) {
    String key = StampedValues.key(item.getKey());
    return new KeyValue(
        key,
        values.read(key, item.getModRevision(), item.getValue()),
        item.getCreateRevision(),
        item.getModRevision());
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (isCompacted(cause)) {
        long oldest =
            cause instanceof io.etcd.jetcd.common.exception.CompactedException c
                ? c.getCompactedRevision()
                : compacted;
        compacted = Math.max(compacted, oldest);
        throw new CompactedException(-1, oldest);
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("etcd: " + cause, cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("etcd did not answer in " + TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for etcd", e);
    }
  }

  /** etcd's ErrCompacted, however jetcd wraps it (its own exception or a gRPC status). */
  private static boolean isCompacted(Throwable e) {
    return String.valueOf(e.getMessage()).contains("required revision has been compacted");
  }

  private static boolean isFutureRevision(Throwable e) {
    return String.valueOf(e.getMessage()).contains("future revision");
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
