package dev.flotilla.sim.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What a simulated member says where a real one would reach a container through its kubelet: {@code
 * pods/log} answers one line saying the pod is simulated, and {@code exec}, {@code attach} and
 * {@code portforward} are refused with a 400 Status saying why, so {@code kubectl logs}, {@code
 * exec}, {@code attach}, {@code port-forward} and {@code run -i} end at once with a message instead
 * of showing the Pod's JSON or waiting for a stream that never comes.
 */
public final class SimulatedPods {
  private final HubServer server;
  private final String cluster;
  private final Executor workers;

  private SimulatedPods(HubServer server, String cluster) {
    this.server = server;
    this.cluster = cluster;
    this.workers = server.runtime().workers();
  }

  /** Serves the pod subresources of {@code server}, a simulated member named {@code cluster}. */
  public static void install(HubServer server, String cluster) {
    SimulatedPods pods = new SimulatedPods(server, cluster);
    server.addSubresourceHandler("", "pods", "log", pods::log);
    for (String sub : List.of("exec", "attach", "portforward")) {
      server.addSubresourceHandler("", "pods", sub, r -> pods.refuse(r, sub));
    }
  }

  /** The line {@code kubectl logs} prints for a simulated pod. */
  static String logLine(String cluster, String namespace, String pod, String container) {
    return "pod "
        + namespace
        + "/"
        + pod
        + " (container "
        + container
        + ") is simulated by Flotilla in member cluster "
        + cluster
        + ": no container runs, so there are no logs\n";
  }

  private CompletableFuture<Reply> log(ApiRequest r) {
    // The pod is read on a worker: a WebSocket upgrade routes on the event loop.
    return CompletableFuture.supplyAsync(
        () -> {
          ObjectNode pod = pod(r);
          String container = container(pod, r.param("container"));
          byte[] body =
              logLine(cluster, r.info().namespace(), r.info().name(), container)
                  .getBytes(StandardCharsets.UTF_8);
          return new Reply(200, "text/plain", body, List.of());
        },
        workers);
  }

  private CompletableFuture<Reply> refuse(ApiRequest r, String sub) {
    return CompletableFuture.supplyAsync(
        () -> {
          ObjectNode pod = pod(r);
          container(pod, r.param("container"));
          String what =
              switch (sub) {
                case "exec" -> "run a command in it";
                case "attach" -> "attach to it";
                default -> "forward ports to it";
              };
          throw ApiException.badRequest(
              "pod "
                  + r.info().namespace()
                  + "/"
                  + r.info().name()
                  + " is simulated by Flotilla in member cluster "
                  + cluster
                  + ": no container runs, so nothing can "
                  + what
                  + " (simulated members run no workloads; use a real member for "
                  + (sub.equals("portforward") ? "port-forward" : sub)
                  + ")");
        },
        workers);
  }

  private ObjectNode pod(ApiRequest r) {
    return server
        .storage()
        .find(r.type(), r.info().namespace(), r.info().name())
        .orElseThrow(() -> ApiException.notFound(r.type(), r.info().name()));
  }

  /** The container asked for (checked as the kubelet would), or the only or default one. */
  private static String container(ObjectNode pod, String asked) {
    List<String> names = new ArrayList<>();
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        names.add(c.path("name").asText());
      }
    }
    String podName = pod.path("metadata").path("name").asText();
    if (asked != null && !asked.isEmpty()) {
      if (!names.contains(asked)) {
        throw ApiException.badRequest("container " + asked + " is not valid for pod " + podName);
      }
      return asked;
    }
    JsonNode containers = pod.path("spec").path("containers");
    if (containers.size() == 1) {
      return containers.get(0).path("name").asText();
    }
    String byDefault =
        pod.path("metadata")
            .path("annotations")
            .path("kubectl.kubernetes.io/default-container")
            .asText("");
    if (!byDefault.isEmpty()) {
      return byDefault;
    }
    List<String> main = new ArrayList<>();
    containers.forEach(c -> main.add(c.path("name").asText()));
    throw ApiException.badRequest(
        "a container name must be specified for pod "
            + podName
            + ", choose one of: "
            + main.toString().replace(",", ""));
  }
}
