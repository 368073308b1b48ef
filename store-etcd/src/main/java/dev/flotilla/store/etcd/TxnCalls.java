package dev.flotilla.store.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd's {@code KV.Txn} called on its generated gRPC method, for the store's creates, the hub's
 * most frequent write. jetcd wraps each call in layers the hub pays for on every create: its own
 * request and response objects, a Failsafe retry policy built per call, and Vert.x futures chained
 * on the answer. Here the request is etcd's protobuf, built once, and the answer completes on the
 * Netty thread that read it (nothing blocking runs there: see {@link InlineCalls}).
 *
 * <p>The channel is this class's own, to the same members with the same settings as the jetcd
 * client's (target, TLS, keepalive, connect timeout, load-balancing policy, wait-for-ready, the
 * interceptors; round robin over the members unless another policy is set, as jetcd has it), so a
 * member that dies is left for the next as jetcd's channel does. A call is sent again (with jetcd's
 * backoff, for up to the client's {@code retryMaxDuration}) only when etcd refused it before
 * proposing it: its member had no leader, or it was too far behind to take more. Any other failure
 * may have been applied (a lost answer, "request timed out" across a leader change); re-sending a
 * create then could bring back an object deleted meanwhile, so it fails, as etcd's own client
 * leaves such writes to its caller.
 */
final class TxnCalls implements AutoCloseable {

  private final ManagedChannel channel;
  private final CallOptions options;
  private final ByteString namespace;
  private final long firstDelayMillis;
  private final long maxDelayMillis;
  private final long retryForNanos;

  private TxnCalls(ManagedChannel channel, ClientBuilder settings) {
    this.channel = channel;
    this.options =
        settings.waitForReady() ? CallOptions.DEFAULT.withWaitForReady() : CallOptions.DEFAULT;
    this.namespace = ByteString.copyFrom(settings.namespace().getBytes());
    this.firstDelayMillis =
        settings.retryChronoUnit().getDuration().toMillis() * settings.retryDelay();
    this.maxDelayMillis =
        settings.retryChronoUnit().getDuration().toMillis() * settings.retryMaxDelay();
    this.retryForNanos =
        settings.retryMaxDuration() == null ? 0 : settings.retryMaxDuration().toNanos();
  }

  /** A channel to the members {@code settings} name, set up as jetcd sets up its own. */
  static TxnCalls open(ClientBuilder settings) {
    NettyChannelBuilder b =
        NettyChannelBuilder.forTarget(settings.target())
            // Answers complete on the transport thread, as InlineCalls has jetcd's unary calls.
            // gRPC's transparent retry stays on (a call whose stream never reached etcd is sent
            // again, as on jetcd's channel); no other retry policy is configured.
            .directExecutor();
    if (settings.sslContext() != null) {
      b.negotiationType(NegotiationType.TLS).sslContext(settings.sslContext());
    } else {
      b.negotiationType(NegotiationType.PLAINTEXT);
    }
    if (settings.authority() != null) {
      b.overrideAuthority(settings.authority());
    }
    if (settings.maxInboundMessageSize() != null) {
      b.maxInboundMessageSize(settings.maxInboundMessageSize());
    }
    if (settings.keepaliveTime() != null) {
      b.keepAliveTime(settings.keepaliveTime().toMillis(), TimeUnit.MILLISECONDS);
    }
    if (settings.keepaliveTimeout() != null) {
      b.keepAliveTimeout(settings.keepaliveTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
    if (settings.keepaliveWithoutCalls() != null) {
      b.keepAliveWithoutCalls(settings.keepaliveWithoutCalls());
    }
    if (settings.connectTimeout() != null) {
      b.withOption(
          ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
    }
    b.defaultLoadBalancingPolicy(
        settings.loadBalancerPolicy() != null ? settings.loadBalancerPolicy() : "round_robin");
    if (settings.interceptors() != null) {
      b.intercept(settings.interceptors());
    }
    return new TxnCalls(b.build(), settings);
  }

  /** {@code key} as etcd stores it: under the connection's prefix, as jetcd puts it. */
  ByteString key(String key) {
    return namespace.concat(ByteString.copyFrom(key, StandardCharsets.UTF_8));
  }

  /** Sends {@code request}, again while etcd refuses it unapplied and the retry time lasts. */
  CompletableFuture<TxnResponse> txn(TxnRequest request) {
    CompletableFuture<TxnResponse> answer = new CompletableFuture<>();
    attempt(request, answer, System.nanoTime() + retryForNanos, firstDelayMillis);
    return answer;
  }

  /**
   * True for etcd's refusals that come before a proposal: nothing of the request was applied.
   * etcd's Go client retries writes only when it knows this much; its messages are its interface.
   */
  static boolean neverApplied(Throwable error) {
    Status status = Status.fromThrowable(error);
    String message = status.getDescription() == null ? "" : status.getDescription();
    return (status.getCode() == Status.Code.UNAVAILABLE && message.equals("etcdserver: no leader"))
        || (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
            && message.equals("etcdserver: too many requests"));
  }

  private void attempt(
      TxnRequest request, CompletableFuture<TxnResponse> answer, long giveUpAt, long delayMillis) {
    ClientCalls.asyncUnaryCall(
        channel.newCall(KVGrpc.getTxnMethod(), options),
        request,
        new StreamObserver<TxnResponse>() {
          private TxnResponse response;

          @Override
          public void onNext(TxnResponse value) {
            response = value;
          }

          @Override
          public void onError(Throwable error) {
            if (neverApplied(error)
                && !channel.isShutdown()
                && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis) < giveUpAt) {
              CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS)
                  .execute(
                      () ->
                          attempt(
                              request,
                              answer,
                              giveUpAt,
                              Math.min(delayMillis * 2, maxDelayMillis)));
            } else {
              answer.completeExceptionally(error);
            }
          }

          @Override
          public void onCompleted() {
            answer.complete(response);
          }
        });
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
