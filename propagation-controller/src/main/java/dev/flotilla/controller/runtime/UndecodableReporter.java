package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports objects the controllers skip because they cannot be decoded ({@link DecodeGuard}): a
 * warning in the log and a Warning Event {@value #REASON} on the object, once per object version
 * however often it is listed or watched. Events are written off the decoding thread.
 */
public final class UndecodableReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UndecodableReporter.class);
  public static final String REASON = "DecodeFailed";
  private static final int REMEMBERED = 10_000;

  private final String component;
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "undecodable-reporter");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Boolean> reported =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };
  private volatile EventRecorder recorder;

  public UndecodableReporter(String component) {
    this.component = component;
  }

  /** Where Events go; until set, problems are only logged. */
  public UndecodableReporter recordingWith(KubernetesClient hub) {
    this.recorder = new EventRecorder(hub, component);
    return this;
  }

  /** Reports {@code obj} unless this version was reported already; never blocks. */
  public void report(HasMetadata obj) {
    String problem = DecodeGuard.problem(obj).orElse("unknown");
    var meta = obj.getMetadata();
    String key =
        obj.getApiVersion()
            + "/"
            + obj.getKind()
            + "/"
            + (meta == null ? "?" : meta.getNamespace() + "/" + meta.getName())
            + "@"
            + (meta == null ? "?" : meta.getResourceVersion());
    synchronized (reported) {
      if (reported.put(key, Boolean.TRUE) != null) {
        return;
      }
    }
    String message =
        "skipped: the controllers cannot decode this object ("
            + problem
            + "); fix or delete it (kubectl edit / kubectl delete)";
    LOG.warn(key + " " + message);
    EventRecorder r = recorder;
    if (r == null || meta == null || meta.getName() == null) {
      return;
    }
    try {
      events.execute(
          () ->
              r.record(
                  obj.getApiVersion(),
                  obj.getKind(),
                  meta.getNamespace(),
                  meta.getName(),
                  meta.getUid(),
                  "Warning",
                  REASON,
                  message));
    } catch (RejectedExecutionException e) {
      // closed: the log line above is the report
    }
  }

  @Override
  public void close() {
    events.shutdownNow();
  }
}
