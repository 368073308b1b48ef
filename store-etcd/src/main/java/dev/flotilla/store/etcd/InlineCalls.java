package dev.flotilla.store.etcd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Fewer thread hops for etcd's unary calls (get, put, txn, compact). By default a jetcd call hops
 * from the caller to jetcd's executor to start it, and its answer from gRPC's Netty thread to
 * gRPC's executor and on to the caller's code: two hand-offs per call that the hub pays in thread
 * wake-ups on every write. Here a call starts on the caller's thread, and its answer completes on
 * the Netty thread that read it. That is safe because nothing blocking runs there: the driver's own
 * completions only stamp bytes, its blocking reads wait on their callers' threads, and the hub's
 * storage continues every write on its own workers ({@code thenApplyAsync}). Streaming calls (the
 * event feed's watch) keep the executor they had. (With jetcd's Vert.x channel their callbacks
 * already ran on that channel's event loop before this class; nothing here changes that.)
 */
final class InlineCalls {
  private InlineCalls() {}

  /** Runs a task on the thread that submits it; for jetcd's {@code executorService}. */
  static final class CallerRuns extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /** Gives unary calls an executor that runs their callbacks where gRPC delivers them. */
  static final class UnaryOnTransport implements ClientInterceptor {
    private static final Executor DIRECT = Runnable::run;

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return next.newCall(
          method,
          method.getType() == MethodDescriptor.MethodType.UNARY
              ? options.withExecutor(DIRECT)
              : options);
    }
  }
}
