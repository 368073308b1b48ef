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
 * interceptors), so a member that dies is left for the next as jetcd's channel does. A call that
 * fails {@code UNAVAILABLE} (a member gone, no leader, a leader change, etcd's own request timeout)
 * is sent again with jetcd's backoff for up to the client's {@code retryMaxDuration}: etcd may have
 * applied the first attempt, so the caller learns that an answer is a retry's and checks for its
 * own write.
 */
final class TxnCalls implements AutoCloseable {
  /** etcd's answer, and whether an earlier attempt of the same request may have been applied. */
  record Answer(TxnResponse response, boolean retried) {}

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
            .directExecutor()
            // gRPC's own retry buffers every call in a RetriableStream (a share of each create's
            // CPU); this class retries UNAVAILABLE itself, and no other policy is configured.
            .disableRetry();
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
    if (settings.loadBalancerPolicy() != null) {
      b.defaultLoadBalancingPolicy(settings.loadBalancerPolicy());
    }
    if (settings.interceptors() != null) {
      b.intercept(settings.interceptors());
    }
    return new TxnCalls(b.build(), settings);
  }

  /** {@code key} as etcd stores it: under the connection's prefix, as jetcd puts it. */
  ByteString key(String key) {
    return namespace.concat(ByteString.copyFrom(key, StandardCharsets.UTF_8));
  }

  /** Sends {@code request}, again while etcd answers UNAVAILABLE and the retry time lasts. */
  CompletableFuture<Answer> txn(TxnRequest request) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    attempt(request, answer, System.nanoTime() + retryForNanos, firstDelayMillis, false);
    return answer;
  }

  private void attempt(
      TxnRequest request,
      CompletableFuture<Answer> answer,
      long giveUpAt,
      long delayMillis,
      boolean retried) {
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
            if (Status.fromThrowable(error).getCode() == Status.Code.UNAVAILABLE
                && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis) < giveUpAt) {
              CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS)
                  .execute(
                      () ->
                          attempt(
                              request,
                              answer,
                              giveUpAt,
                              Math.min(delayMillis * 2, maxDelayMillis),
                              true));
            } else {
              answer.completeExceptionally(error);
            }
          }

          @Override
          public void onCompleted() {
            answer.complete(new Answer(response, retried));
          }
        });
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
