package dev.flotilla.cli;

import dev.flotilla.agent.join.CaPin;
import dev.flotilla.apiserver.auth.BootstrapTokens;
import dev.flotilla.apiserver.rbac.CertificatePolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Bootstrap tokens for agents that join by themselves, as {@code karmadactl token}: a token
 * authenticates as {@code system:bootstrap:<id>} in Karmada's bootstrap group, which may only post
 * CSRs and have an agent CSR approved.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Create, list or delete bootstrap tokens for agents joining by CSR.",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Delete.class
    })
final class TokenCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** Creates a token; with --print-register-command prints the agent's join command line. */
  @Command(name = "create", mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Option(names = "--hub-kubeconfig", defaultValue = "./flotilla-data/kubeconfig")
    Path kubeconfig;

    @Option(
        names = "--ttl",
        defaultValue = "24h",
        converter = GoDurationConverter.class,
        description =
            "How long the token authenticates (default: ${DEFAULT-VALUE}; 0 never expires).")
    Duration ttl;

    @Option(names = "--description")
    String description;

    @Option(
        names = "--print-register-command",
        description = "Print the full 'flotilla agent' command that joins with this token.")
    boolean printRegisterCommand;

    @Override
    public Integer call() throws Exception {
      String token = BootstrapTokens.generate();
      Instant expires =
          ttl.isZero() ? null : Instant.now().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
      try (KubernetesClient hub = AgentTokenCommand.hub(kubeconfig)) {
        hub.resource(
                hub.getKubernetesSerialization()
                    .convertValue(
                        BootstrapTokens.secretFor(
                            token,
                            expires,
                            List.of(CertificatePolicy.AGENT_TOKEN_GROUP),
                            description),
                        Secret.class))
            .create();
        if (!printRegisterCommand) {
          System.out.println(token);
          return 0;
        }
        URI server = URI.create(hub.getConfiguration().getMasterUrl());
        X509Certificate ca =
            (X509Certificate)
                CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                        new ByteArrayInputStream(
                            Base64.getDecoder()
                                .decode(
                                    hub.getConfiguration()
                                        .getCaCertData()
                                        .getBytes(StandardCharsets.US_ASCII))));
        System.out.println(
            "flotilla agent --hub-endpoint "
                + server.getHost()
                + ":"
                + server.getPort()
                + " --token "
                + token
                + " --discovery-token-ca-cert-hash "
                + CaPin.of(ca)
                + " --hub-kubeconfig <AGENT_HUB_KUBECONFIG> --member-kubeconfig <MEMBER_KUBECONFIG>"
                + " --cluster-name <CLUSTER_NAME>");
      }
      return 0;
    }
  }

  /** Lists bootstrap tokens by id, with their expiry (never the secret). */
  @Command(name = "list", mixinStandardHelpOptions = true)
  static final class ListTokens implements Callable<Integer> {
    @Option(names = "--hub-kubeconfig", defaultValue = "./flotilla-data/kubeconfig")
    Path kubeconfig;

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient hub = AgentTokenCommand.hub(kubeconfig)) {
        System.out.printf("%-8s %-22s %s%n", "ID", "EXPIRES", "GROUPS");
        for (Secret s : hub.secrets().inNamespace(BootstrapTokens.NAMESPACE).list().getItems()) {
          if (!BootstrapTokens.SECRET_TYPE.equals(s.getType())) {
            continue;
          }
          Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
          System.out.printf(
              "%-8s %-22s %s%n",
              decode(data.get("token-id")),
              data.containsKey("expiration") ? decode(data.get("expiration")) : "<never>",
              decode(data.get("auth-extra-groups")));
        }
      }
      return 0;
    }

    private static String decode(String b64) {
      return b64 == null ? "" : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
  }

  /** Deletes a token by id (or the whole token): it authenticates no one from then on. */
  @Command(name = "delete", mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", description = "The token's id, or the whole <id>.<secret>.")
    String token;

    @Option(names = "--hub-kubeconfig", defaultValue = "./flotilla-data/kubeconfig")
    Path kubeconfig;

    @Override
    public Integer call() throws Exception {
      String id = token.contains(".") ? token.substring(0, token.indexOf('.')) : token;
      try (KubernetesClient hub = AgentTokenCommand.hub(kubeconfig)) {
        hub.secrets()
            .inNamespace(BootstrapTokens.NAMESPACE)
            .withName(BootstrapTokens.SECRET_PREFIX + id)
            .delete();
      }
      System.out.println("bootstrap token \"" + id + "\" deleted");
      return 0;
    }
  }
}
