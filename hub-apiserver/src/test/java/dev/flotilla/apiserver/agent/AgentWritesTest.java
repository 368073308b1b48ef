package dev.flotilla.apiserver.agent;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Admission.Operation;
import dev.flotilla.apiserver.objects.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentWritesTest {
  private static final String HUB_WORK =
      "{'metadata':{'name':'w','labels':{'resourcebinding.karmada.io/permanent-id':'u1'}},"
          + "'spec':{'workload':{'manifests':[{'apiVersion':'v1','kind':'ConfigMap',"
          + "'metadata':{'name':'c'}}]}}}";
  private static final String EXPORT_REPORT =
      "{'metadata':{'name':'svcexport-demo-serve','labels':{'flotilla.dev/mcs-role':'export',"
          + "'flotilla.dev/service-namespace':'demo','flotilla.dev/service-name':'serve',"
          + "'endpointslice.karmada.io/managed-by':'ServiceExport'},"
          + "'annotations':{'flotilla.dev/export-created':'2024-01-01T00:00:00Z'}},"
          + "'spec':{'suspendDispatching':true,'workload':{'manifests':["
          + "{'apiVersion':'multicluster.x-k8s.io/v1alpha1','kind':'ServiceExport'},"
          + "{'apiVersion':'v1','kind':'Service'},"
          + "{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice'}]}}}";
  private static final String IMPORT_REPORT =
      "{'metadata':{'name':'svcimport-demo-serve','labels':{'flotilla.dev/mcs-role':'import'}},"
          + "'spec':{'suspendDispatching':true,'workload':{'manifests':["
          + "{'apiVersion':'multicluster.x-k8s.io/v1beta1','kind':'ServiceImport'}]}}}";

  /** A Work write: operation, stored Work, Work to store (null = unchanged), refused because. */
  @ParameterizedTest(name = "{0} {1} -> {2}: {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // Reports: the agent's own, created, changed and deleted freely.
        "CREATE | -           | export                   | -",
        "CREATE | -           | import                   | -",
        "UPDATE | export      | export+slice             | -",
        "DELETE | import      | -                        | -",
        // Anything else it creates is refused.
        "CREATE | -           | hub                      | not an MCS report Work",
        "CREATE | -           | export-running           | spec.suspendDispatching is not true",
        "CREATE | -           | derived                  | not export or import",
        "CREATE | -           | export-secret            | manifest 3 is a v1 Secret",
        "CREATE | -           | import-service           | manifest 0 is a v1 Service",
        "CREATE | -           | export-binding-label     | label resourcebinding.karmada.io/",
        "CREATE | -           | export-annotation        | annotation work.karmada.io/name",
        "CREATE | -           | export-owner             | no ownerReferences",
        "CREATE | -           | export-foreign-finalizer | finalizers [example.com/hold]",
        "UPDATE | export      | export-running           | must stay a report",
        "DELETE | hub         | -                        | not an MCS report Work",
        // A Work the hub made: its finalizer and nothing else.
        "UPDATE | hub         | hub+finalizer            | -",
        "UPDATE | hub+finalizer | hub                    | -",
        "UPDATE | hub         | hub+spec                 | changes spec of a Work the hub made",
        "UPDATE | hub         | hub+label                | changes metadata.labels",
        "UPDATE | hub         | hub+foreign-finalizer    | changes finalizers [example.com/hold]",
        "UPDATE | hub         | hub+suspended-report     | changes spec, metadata.labels",
      })
  void works(String op, String stored, String next, String refusedBecause) {
    ObjectNode old = stored == null ? null : work(stored);
    ObjectNode object = next == null ? null : work(next);
    String why =
        AgentWrites.refusal(
            "member1", Operation.valueOf(op), "works.work.karmada.io", "w", null, object, old);
    expect(refusedBecause, why);
  }

  @ParameterizedTest(name = "status of {0}")
  @CsvSource({"hub", "export"})
  void workStatusIsAlwaysTheAgents(String stored) {
    ObjectNode old = work(stored);
    ObjectNode next = old.deepCopy();
    next.putObject("status").putArray("conditions");
    assertNull(
        AgentWrites.refusal(
            "member1", Operation.UPDATE, "works.work.karmada.io", "w", "status", next, old));
  }

  /** A Cluster write by member1's agent: operation, name, stored, to store, refused because. */
  @ParameterizedTest(name = "{0} {1}: {2} -> {3}: {4}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      nullValues = "-",
      value = {
        // Registration as the agent does it.
        "CREATE | member1 | - | {'spec':{'syncMode':'Pull','apiEndpoint':'https://m1','region':'r'}} | -",
        "UPDATE | member1 | {'spec':{'syncMode':'Pull','taints':[{'key':'k','effect':'NoSchedule'}]}}"
            + " | {'metadata':{'labels':{'env':'dev'}},'spec':{'syncMode':'Pull','zones':['z1'],"
            + "'taints':[{'key':'k','effect':'NoSchedule'}]}} | -",
        // Another cluster, or fields the administrator owns.
        "CREATE | member2 | - | {'spec':{'syncMode':'Pull'}} | only its own Cluster \"member1\"",
        "CREATE | member1 | - | {'spec':{'syncMode':'Push'}} | spec.syncMode to Pull only",
        "CREATE | member1 | - | {'spec':{'syncMode':'Pull','secretRef':{'namespace':'victim',"
            + "'name':'topsecret'}}} | spec.secretRef is the administrator's",
        "CREATE | member1 | - | {'metadata':{'finalizers':['x']},'spec':{}} | metadata.finalizers",
        "UPDATE | member1 | {'spec':{'taints':[{'key':'k','effect':'NoSchedule'}]}} | {'spec':{}}"
            + " | spec.taints is the administrator's",
        "UPDATE | member1 | {'spec':{}} | {'spec':{'resourceModels':[]}} | spec.resourceModels",
        "UPDATE | member1 | {'metadata':{'annotations':{'a':'b'}}} | {'metadata':{}}"
            + " | metadata.annotations",
        "DELETE | member1 | {'spec':{}} | - | never deletes a Cluster",
      })
  void clusters(String op, String name, String stored, String next, String refusedBecause) {
    String why =
        AgentWrites.refusal(
            "member1",
            Operation.valueOf(op),
            "clusters.cluster.karmada.io",
            name,
            null,
            next == null ? null : json(next),
            stored == null ? null : json(stored));
    expect(refusedBecause, why);
  }

  /** Group-resource and name of other writes an agent's request could reach admission with. */
  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "leases.coordination.k8s.io, member1, -",
        "leases.coordination.k8s.io, member2, only its own Lease",
        "events, e1, -",
        "events.events.k8s.io, e1, -",
        "resourcebindings.work.karmada.io, steal, writes only its Cluster",
        "secrets, s, writes only its Cluster",
      })
  void others(String groupResource, String name, String refusedBecause) {
    expect(
        refusedBecause,
        AgentWrites.refusal(
            "member1", Operation.CREATE, groupResource, name, null, json("{}"), null));
  }

  private static void expect(String refusedBecause, String why) {
    if (refusedBecause == null) {
      assertNull(why);
    } else {
      assertTrue(why != null && why.contains(refusedBecause), String.valueOf(why));
    }
  }

  /** A Work by name: a base ("hub", "export", "import") and "+change" / "-variant" edits. */
  private static ObjectNode work(String spec) {
    String[] parts = spec.split("\\+");
    String[] base = parts[0].split("-", 2);
    ObjectNode w =
        json(
            switch (base[0]) {
              case "hub" -> HUB_WORK;
              case "export" -> EXPORT_REPORT;
              case "import" -> IMPORT_REPORT;
              case "derived" -> EXPORT_REPORT.replace("'export'", "'derived'");
              default -> throw new IllegalArgumentException(spec);
            });
    if (base.length > 1) {
      edit(w, base[1]);
    }
    for (int i = 1; i < parts.length; i++) {
      edit(w, parts[i]);
    }
    return w;
  }

  private static void edit(ObjectNode w, String change) {
    ObjectNode meta = (ObjectNode) w.get("metadata");
    ObjectNode spec = (ObjectNode) w.get("spec");
    switch (change) {
      case "running" -> spec.remove("suspendDispatching");
      case "secret", "slice" ->
          ((com.fasterxml.jackson.databind.node.ArrayNode) spec.path("workload").path("manifests"))
              .add(
                  json(
                      change.equals("secret")
                          ? "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'topsecret'}}"
                          : "{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice',"
                              + "'metadata':{'name':'s2'}}"));
      case "service" ->
          ((ObjectNode) spec.path("workload").path("manifests").path(0))
              .put("apiVersion", "v1")
              .put("kind", "Service");
      case "binding-label" ->
          ((ObjectNode) meta.get("labels")).put("resourcebinding.karmada.io/permanent-id", "u1");
      case "annotation" -> ((ObjectNode) meta.get("annotations")).put("work.karmada.io/name", "x");
      case "owner" -> meta.putArray("ownerReferences").addObject().put("name", "o");
      case "foreign-finalizer" -> meta.withArray("finalizers").add("example.com/hold");
      case "finalizer" -> meta.withArray("finalizers").add(AgentWrites.EXECUTION_FINALIZER);
      case "spec" -> spec.put("suspendDispatching", false);
      case "label" -> ((ObjectNode) meta.get("labels")).put("extra", "x");
      case "suspended-report" -> {
        ((ObjectNode) meta.get("labels")).put(AgentWrites.MCS_ROLE, "export");
        spec.put("suspendDispatching", true);
      }
      default -> throw new IllegalArgumentException(change);
    }
  }

  private static ObjectNode json(String singleQuoted) {
    return Json.parseObject(
        singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8), false);
  }
}
