package dev.flotilla.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Authorizer;
import dev.flotilla.apiserver.http.RequestInfo;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.ResourceType;
import io.vertx.core.MultiMap;
import java.nio.file.Path;
import java.util.List;

/**
 * What one authorization decision costs, in process and in thread CPU time (so a loaded machine
 * blurs it less than the HTTP figures): the admin (the privileged-group check) and an editor whom
 * RBAC evaluates among {@code teams} other users' bindings, for a get and a create.
 */
final class AuthorizationDecisions {
  private static final int ITERATIONS = 500_000;

  private AuthorizationDecisions() {}

  /** Prints ns per decision; returns the editor's get decision in ns. */
  static double run(Path dir, int teams) throws Exception {
    try (HubServer hub = HubServer.create(HubConfig.of(dir, 0)).start()) {
      ResourceType namespaces = hub.storage().registry().find("", "v1", "namespaces").orElseThrow();
      ResourceType bindings =
          hub.storage()
              .registry()
              .find("rbac.authorization.k8s.io", "v1", "rolebindings")
              .orElseThrow();
      ResourceType configMaps = hub.storage().registry().find("", "v1", "configmaps").orElseThrow();
      ObjectNode ns = Json.MAPPER.createObjectNode();
      ns.putObject("metadata").put("name", "authz");
      hub.storage().create(namespaces, null, ns, false).join();
      hub.storage().create(bindings, "authz", binding(AuthorizationCost.USER), false).join();
      for (int i = 0; i < teams; i++) {
        hub.storage().create(bindings, "authz", binding("team-" + i), false).join();
      }
      Authorizer authorizer = hub.authorizer();
      UserInfo editor =
          new UserInfo(AuthorizationCost.USER, "", List.of(TokenAuthenticator.AUTHENTICATED_GROUP));
      ApiRequest get = request("GET", "/api/v1/namespaces/authz/configmaps/x", configMaps);
      ApiRequest create = request("POST", "/api/v1/namespaces/authz/configmaps", configMaps);
      double[] ns1 = new double[4];
      for (int pass = 0; pass < 2; pass++) { // the first pass warms up
        ns1[0] = time(authorizer, TokenAuthenticator.ADMIN, "get", get);
        ns1[1] = time(authorizer, editor, "get", get);
        ns1[2] = time(authorizer, TokenAuthenticator.ADMIN, "create", create);
        ns1[3] = time(authorizer, editor, "create", create);
      }
      System.out.printf(
          "authz     one decision, in process: get admin %.0f ns, editor %.0f ns; create admin %.0f"
              + " ns, editor %.0f ns (%d other users' bindings in the namespace)%n",
          ns1[0], ns1[1], ns1[2], ns1[3], teams);
      return Math.max(ns1[1], ns1[3]);
    }
  }

  private static double time(Authorizer a, UserInfo user, String verb, ApiRequest r) {
    UserInfo u = user;
    ApiRequest request =
        new ApiRequest(r.method(), r.info(), r.type(), r.params(), r.headers(), null, u);
    // Thread CPU time, not wall time: other work on a shared machine does not count.
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long start = cpu.getCurrentThreadCpuTime();
    int denied = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      if (a.deny(u, verb, request) != null) {
        denied++;
      }
    }
    long took = cpu.getCurrentThreadCpuTime() - start;
    if (denied > 0) {
      throw new IllegalStateException(user.name() + " was denied " + verb);
    }
    return (double) took / ITERATIONS;
  }

  private static ApiRequest request(String method, String path, ResourceType type) {
    return new ApiRequest(
        method,
        RequestInfo.parse(path),
        type,
        MultiMap.caseInsensitiveMultiMap(),
        MultiMap.caseInsensitiveMultiMap(),
        null,
        null);
  }

  private static ObjectNode binding(String user) {
    return Json.parseObject(
        ("{\"metadata\":{\"name\":\""
                + user
                + "-edit\"},\"roleRef\":{\"apiGroup\":"
                + "\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"edit\"},"
                + "\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"User\","
                + "\"name\":\""
                + user
                + "\"}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
        false);
  }
}
