package dev.flotilla.cli;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the pull-mode member agent next to a member cluster. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Register a member cluster with the hub and apply the work the hub assigns it.")
final class AgentCommand implements Callable<Integer> {
  @Option(
      names = "--hub-kubeconfig",
      required = true,
      description =
          "Kubeconfig with the agent's hub credential (flotilla agent-token create --output).")
  Path hubKubeconfig;

  @Option(
      names = "--member-kubeconfig",
      required = true,
      description = "Kubeconfig of the member cluster.")
  Path memberKubeconfig;

  @Option(
      names = "--member-context",
      description = "Context in the member kubeconfig (default: current).")
  String memberContext;

  @Option(names = "--cluster-name", required = true)
  String clusterName;

  @Option(names = "--provider")
  String provider;

  @Option(names = "--region")
  String region;

  @Option(names = "--zones", split = ",")
  List<String> zones = List.of();

  @Option(
      names = "--labels",
      split = ",",
      description = "key=value pairs for the Cluster's labels.")
  List<String> labels = List.of();

  @Option(
      names = "--api-endpoint",
      description = "The member's API URL as the hub should record it.")
  String apiEndpoint;

  @Override
  public Integer call() throws Exception {
    Map<String, String> labelMap = new LinkedHashMap<>();
    for (String l : labels) {
      int eq = l.indexOf('=');
      labelMap.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
    }
    AgentConfig.Builder config =
        AgentConfig.builder()
            .hub(ClientSource.kubeconfig(hubKubeconfig))
            .member(
                memberContext == null
                    ? ClientSource.kubeconfig(memberKubeconfig)
                    : ClientSource.kubeconfig(memberKubeconfig, memberContext))
            .clusterName(clusterName)
            .zones(zones)
            .labels(labelMap);
    if (provider != null) {
      config.provider(provider);
    }
    if (region != null) {
      config.region(region);
    }
    if (apiEndpoint != null) {
      config.apiEndpoint(apiEndpoint);
    }
    MemberAgent agent = new MemberAgent(config.build()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "shutdown"));
    System.out.println("agent for cluster " + clusterName + " is running");
    new CountDownLatch(1).await();
    return 0;
  }
}
