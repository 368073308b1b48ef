package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.agent.kube.Fabric8Clients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla discover <ns>/<svc>}: every instance of a service across the fleet, as a table.
 */
@Command(
    name = "discover",
    mixinStandardHelpOptions = true,
    description = "List a service's instances across all member clusters (fleet-wide discovery).")
final class DiscoverCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "NAMESPACE/SERVICE", description = "The exported service.")
  String target;

  @Option(
      names = "--kubeconfig",
      description = "Kubeconfig of the hub (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      defaultValue = "flotilla",
      description = "Context (default: ${DEFAULT-VALUE}).")
  String context;

  @Option(names = "--cluster", description = "Only instances in this cluster.")
  String cluster;

  @Option(names = "--ready", description = "Only ready instances.")
  boolean ready;

  @Option(
      names = {"-o", "--output"},
      description = "table (default) or json.")
  String output = "table";

  @Override
  public Integer call() throws Exception {
    int slash = target.indexOf('/');
    String ns = slash < 0 ? "default" : target.substring(0, slash);
    String svc = slash < 0 ? target : target.substring(slash + 1);
    Path file =
        kubeconfig != null
            ? kubeconfig
            : System.getenv("KUBECONFIG") != null
                ? Path.of(System.getenv("KUBECONFIG").split(":")[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
    Config config = Config.fromKubeconfig(context, Files.readString(file), file.toString());
    StringBuilder path =
        new StringBuilder("/apis/discovery.flotilla.dev/v1/namespaces/")
            .append(ns)
            .append("/services/")
            .append(svc)
            .append("/instances");
    List<String> query = new ArrayList<>();
    if (cluster != null) {
      query.add("cluster=" + URLEncoder.encode(cluster, StandardCharsets.UTF_8));
    }
    if (ready) {
      query.add("ready=true");
    }
    if (!query.isEmpty()) {
      path.append('?').append(String.join("&", query));
    }
    HttpResponse<String> response;
    try (KubernetesClient client = Fabric8Clients.build(config)) {
      String base = client.getMasterUrl().toString().replaceAll("/$", "");
      HttpClient http = client.getHttpClient();
      response =
          http.sendAsync(http.newHttpRequestBuilder().uri(base + path).build(), String.class)
              .get(60, TimeUnit.SECONDS);
    }
    JsonNode list = new ObjectMapper().readTree(response.body() == null ? "{}" : response.body());
    if (response.code() != 200) {
      // The hub answers a Kubernetes Status: an unknown service is a 404 that says what to do.
      String message = list.path("message").asText("");
      System.err.println(
          "error: "
              + (message.isEmpty()
                  ? "the hub answered " + response.code() + " (does it serve fleet-wide discovery?)"
                  : message));
      return 1;
    }
    if ("json".equals(output)) {
      System.out.println(list.toPrettyString());
      return 0;
    }
    System.out.print(table(list));
    return 0;
  }

  static String table(JsonNode list) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CLUSTER", "ADDRESS", "PORTS", "READY", "ZONE", "NODE", "HOSTNAME"});
    for (JsonNode i : list.path("instances")) {
      List<String> ports = new ArrayList<>();
      for (JsonNode p : i.path("ports")) {
        ports.add(
            // An unnamed port (name absent or "", as EndpointSlices write it) prints as 8080/TCP.
            (p.path("name").asText("").isEmpty() ? "" : p.path("name").asText() + ":")
                + p.path("port").asText()
                + "/"
                + p.path("protocol").asText("TCP"));
      }
      rows.add(
          new String[] {
            i.path("cluster").asText(),
            i.path("address").asText(),
            ports.isEmpty() ? "<none>" : String.join(",", ports),
            i.path("ready").asBoolean() ? "true" : "false",
            i.path("zone").asText("<none>"),
            i.path("nodeName").asText("<none>"),
            i.path("hostname").asText("<none>")
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        widths[c] = Math.max(widths[c], r[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < r.length; c++) {
        line.append(c == r.length - 1 ? r[c] : String.format("%-" + (widths[c] + 3) + "s", r[c]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    out.append("revision ").append(list.path("revision").asText()).append('\n');
    return out.toString();
  }
}
