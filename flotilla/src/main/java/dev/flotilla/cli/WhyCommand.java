package dev.flotilla.cli;

import dev.flotilla.why.ResourceKinds;
import dev.flotilla.why.TemplateTrace;
import dev.flotilla.why.WhyReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla why KIND/NAME [-n NS]}: one template's whole path through the hub, read with the
 * caller's kubeconfig (RBAC applies): which policy claimed it and which lost, the schedule with a
 * reason per cluster, the Works, each member's apply result and health, and recent events.
 */
@Command(
    name = "why",
    mixinStandardHelpOptions = true,
    description = {
      "Explain where a resource template went and why: its policy, the schedule per cluster"
          + " (selected, or filtered by which plugin), the Works, each member's apply result and"
          + " health, and recent events.",
      "Example: flotilla why deployment/nginx -n default"
    })
final class WhyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "KIND/NAME", description = "e.g. deployment/nginx")
  String target;

  @Option(
      names = {"-n", "--namespace"},
      description = "The template's namespace (default: the context's, else default).")
  String namespace;

  @Mixin HubKubeconfig kubeconfig;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int slash = target.indexOf('/');
    if (slash <= 0 || slash == target.length() - 1) {
      spec.commandLine()
          .getErr()
          .println("error: expected KIND/NAME, e.g. deployment/nginx; got \"" + target + "\"");
      return 2;
    }
    try (KubernetesClient hub = kubeconfig.client()) {
      Optional<ResourceKinds.Kind> kind = ResourceKinds.resolve(hub, target.substring(0, slash));
      if (kind.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "error: the hub serves no resource type \""
                    + target.substring(0, slash)
                    + "\" (see kubectl api-resources)");
        return 1;
      }
      String ns = namespace != null ? namespace : kubeconfig.namespace(hub);
      TemplateTrace trace = TemplateTrace.collect(hub, kind.get(), ns, target.substring(slash + 1));
      spec.commandLine().getOut().print(WhyReport.render(trace));
      spec.commandLine().getOut().flush();
      return trace.template() == null ? 1 : 0;
    }
  }
}
