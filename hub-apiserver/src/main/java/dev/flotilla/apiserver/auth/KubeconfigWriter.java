package dev.flotilla.apiserver.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a kubeconfig (apiVersion v1, kind Config) with token users, readable by kubectl and
 * fabric8.
 */
public final class KubeconfigWriter {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private KubeconfigWriter() {}

  /**
   * Writes (replacing) {@code file} with mode 0600, since it holds bearer tokens.
   *
   * @throws IllegalArgumentException when names repeat or {@code currentContext} is not among them
   */
  public static void write(Path file, List<KubeconfigContext> contexts, String currentContext) {
    Set<String> names = new HashSet<>();
    for (KubeconfigContext c : contexts) {
      if (c.name() == null || c.name().isEmpty() || !names.add(c.name())) {
        throw new IllegalArgumentException(
            "kubeconfig context names must be non-empty and unique: " + c.name());
      }
    }
    if (currentContext != null && !names.contains(currentContext)) {
      throw new IllegalArgumentException(
          "current context " + currentContext + " is not one of " + names);
    }
    try {
      SecureFiles.write(file, YAML.writeValueAsString(toNode(contexts, currentContext)), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file, e);
    }
  }

  static ObjectNode toNode(List<KubeconfigContext> contexts, String currentContext) {
    ObjectNode root = YAML.createObjectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "Config");
    root.putObject("preferences");
    ArrayNode clusters = root.putArray("clusters");
    ArrayNode users = root.putArray("users");
    ArrayNode ctxs = root.putArray("contexts");
    for (KubeconfigContext c : contexts) {
      ObjectNode cluster = clusters.addObject().put("name", c.name()).putObject("cluster");
      cluster.put("server", c.serverUrl());
      if (c.caPem() != null) {
        // Embedded (not a file path) so the kubeconfig works when copied to another machine.
        cluster.put(
            "certificate-authority-data",
            Base64.getEncoder().encodeToString(c.caPem().getBytes(StandardCharsets.UTF_8)));
      }
      ObjectNode user = users.addObject().put("name", c.userName()).putObject("user");
      if (c.token() != null) {
        user.put("token", c.token());
      }
      ObjectNode ctx = ctxs.addObject().put("name", c.name()).putObject("context");
      ctx.put("cluster", c.name());
      ctx.put("user", c.userName());
    }
    if (currentContext != null) {
      root.put("current-context", currentContext);
    }
    return root;
  }
}
