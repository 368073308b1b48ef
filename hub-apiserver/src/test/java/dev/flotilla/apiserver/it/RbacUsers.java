package dev.flotilla.apiserver.it;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A hub whose {@code --token-auth-file} names the users of the RBAC tests, none of them in a group
 * that grants anything: an RBAC binding is the only way they get rights.
 */
final class RbacUsers {
  static final List<String> USERS = List.of("nobody", "alice", "victor", "ann", "carl", "dora");

  private RbacUsers() {}

  /** Starts a hub whose token file gives each user the token "&lt;user&gt;-token". */
  static TestHub startHub() {
    try {
      Path dir = Files.createTempDirectory("flotilla-rbac");
      StringBuilder csv = new StringBuilder("# token,user,uid,groups\n");
      for (String u : USERS) {
        csv.append(u).append("-token,").append(u).append(",uid-").append(u).append('\n');
      }
      Path tokens = dir.resolve("tokens.csv");
      Files.writeString(tokens, csv);
      return TestHub.start(
          new HubConfig(dir, "127.0.0.1", 0, Optional.of(tokens), List.of(), true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String token(String user) {
    return user + "-token";
  }

  /** A kubeconfig (context "flotilla") for {@code user}, written beside the hub's data. */
  static Path kubeconfig(TestHub hub, String user) {
    try {
      Path file = hub.dataDir().resolve(user + ".kubeconfig");
      String ca = Files.readString(hub.server().certificateAuthority().caCertPath());
      KubeconfigWriter.write(
          file, List.of(new KubeconfigContext("flotilla", hub.url(), ca, token(user))), "flotilla");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Binds ClusterRole {@code role} to {@code user} in {@code namespace}, as the admin. */
  static RoleBinding bind(KubernetesClient admin, String namespace, String role, String user) {
    return bind(admin, namespace, "ClusterRole", role, user);
  }

  /** Binds {@code kind} (Role or ClusterRole) {@code role} to {@code user} in {@code namespace}. */
  static RoleBinding bind(
      KubernetesClient admin, String namespace, String kind, String role, String user) {
    return admin
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(user + "-" + role)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind(kind)
                .withName(role)
                .endRoleRef()
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(user)
                .endSubject()
                .build())
        .create();
  }
}
