package dev.flotilla.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablePrintersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final String CREATED = "\"creationTimestamp\": \"2024-05-01T11:55:00Z\"";

  private static Printer printer(String group, String plural) {
    ResourceType type =
        BuiltinCatalogue.get().types().stream()
            .filter(t -> t.group().equals(group) && t.plural().equals(plural))
            .findFirst()
            .orElseThrow();
    return BuiltinPrinters.find(type).orElse(DefaultPrinter.INSTANCE);
  }

  private static List<String> names(Printer p, boolean wide) {
    List<String> out = new ArrayList<>();
    for (Column c : p.columns()) {
      if (wide || c.priority() == 0) {
        out.add(c.name().toUpperCase());
      }
    }
    return out;
  }

  private static List<Object> cells(Printer p, String json) throws Exception {
    List<Object> cells = p.row(JSON.readTree(json), NOW).cells();
    assertEquals(p.columns().size(), cells.size(), "one cell per column");
    return cells;
  }

  private static List<String> list(String... s) {
    return Arrays.asList(s);
  }

  @Test
  void podColumnsAndRunningPod() throws Exception {
    Printer p = printer("", "pods");
    assertEquals(list("NAME", "READY", "STATUS", "RESTARTS", "AGE"), names(p, false));
    assertEquals(
        list(
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED NODE",
            "READINESS GATES"),
        names(p, true));
    List<Object> c =
        cells(
            p,
            """
        {"metadata": {"name": "web-1", %s},
         "spec": {"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}],
                  "readinessGates": [{"conditionType": "x/ready"}]},
         "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.5"}],
           "conditions": [{"type": "Ready", "status": "True"}, {"type": "x/ready", "status": "True"}],
           "containerStatuses": [
             {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {}},
              "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2024-05-01T11:57:00Z"}}},
             {"name": "b", "ready": false, "restartCount": 0, "state": {"running": {}}}]}}
        """
                .formatted(CREATED));
    assertEquals(
        List.of("web-1", "1/2", "Running", "2 (3m ago)", "5m", "10.0.0.5", "n1", "<none>", "1/1"),
        c);
  }

  @Test
  void podStatusReasons() throws Exception {
    Printer p = printer("", "pods");
    String waiting =
        """
        {"metadata": {"name": "p", %s}, "spec": {"containers": [{"name": "a"}]},
         "status": {"phase": "Pending", "containerStatuses": [
           {"name": "a", "state": {"waiting": {"reason": "CrashLoopBackOff"}}, "restartCount": 4}]}}
        """
            .formatted(CREATED);
    assertEquals("CrashLoopBackOff", cells(p, waiting).get(2));
    assertEquals("4", cells(p, waiting).get(3));

    String init =
        """
        {"metadata": {"name": "p", %s},
         "spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "a"}]},
         "status": {"phase": "Pending", "initContainerStatuses": [
           {"name": "i1", "state": {"terminated": {"exitCode": 0}}},
           {"name": "i2", "state": {"running": {}}}]}}
        """
            .formatted(CREATED);
    assertEquals("Init:1/2", cells(p, init).get(2));

    String sidecar =
        """
        {"metadata": {"name": "p", %s},
         "spec": {"initContainers": [{"name": "s", "restartPolicy": "Always"}],
                  "containers": [{"name": "a"}]},
         "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
           "initContainerStatuses": [{"name": "s", "started": true, "ready": true,
                                      "state": {"running": {}}}],
           "containerStatuses": [{"name": "a", "ready": true, "state": {"running": {}}}]}}
        """
            .formatted(CREATED);
    assertEquals(List.of("2/2", "Running"), cells(p, sidecar).subList(1, 3));

    String terminating =
        """
        {"metadata": {"name": "p", %s, "deletionTimestamp": "2024-05-01T11:59:00Z"},
         "spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Running"}}
        """
            .formatted(CREATED);
    assertEquals("Terminating", cells(p, terminating).get(2));

    String done =
        """
        {"metadata": {"name": "p", %s}, "spec": {"containers": [{"name": "a"}]},
         "status": {"phase": "Succeeded", "containerStatuses": [
           {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}
        """
            .formatted(CREATED);
    Printer.Row row = p.row(JSON.readTree(done), NOW);
    assertEquals("Completed", row.cells().get(2));
    assertEquals("Succeeded", row.completed());

    String signal =
        """
        {"metadata": {"name": "p", %s}, "spec": {"containers": [{"name": "a"}]},
         "status": {"phase": "Failed", "containerStatuses": [
           {"name": "a", "state": {"terminated": {"exitCode": 137, "signal": 9}}}]}}
        """
            .formatted(CREATED);
    assertEquals("Signal:9", cells(p, signal).get(2));
  }

  @Test
  void deployment() throws Exception {
    Printer p = printer("apps", "deployments");
    assertEquals(list("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), names(p, false));
    assertEquals(
        list("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        names(p, true));
    List<Object> c =
        cells(
            p,
            """
        {"metadata": {"name": "web", %s},
         "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"},
                  "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                                       {"key": "canary", "operator": "DoesNotExist"}]},
                  "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1"},
                                                       {"name": "log", "image": "busybox"}]}}},
         "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}
        """
                .formatted(CREATED));
    assertEquals(
        List.of(
            "web",
            "2/3",
            3L,
            2L,
            "5m",
            "nginx,log",
            "nginx:1,busybox",
            "app=web,!canary,env in (dev,prod)"),
        c);
    // Defaulting would have set replicas to 1.
    assertEquals("0/1", cells(p, "{\"metadata\": {\"name\": \"d\"}}").get(1));
  }

  @Test
  void replicaSetsStatefulSetsDaemonSets() throws Exception {
    assertEquals(
        list("NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        names(printer("apps", "replicasets"), true));
    assertEquals(
        list("NAME", "READY", "AGE", "CONTAINERS", "IMAGES"),
        names(printer("apps", "statefulsets"), true));
    assertEquals(
        list(
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE"),
        names(printer("apps", "daemonsets"), false));
    List<Object> ds =
        cells(
            printer("apps", "daemonsets"),
            """
        {"metadata": {"name": "agent", %s},
         "spec": {"template": {"spec": {"nodeSelector": {"os": "linux"}, "containers": []}}},
         "status": {"desiredNumberScheduled": 4, "currentNumberScheduled": 4, "numberReady": 3,
                    "updatedNumberScheduled": 4, "numberAvailable": 3}}
        """
                .formatted(CREATED));
    assertEquals(List.of("agent", 4L, 4L, 3L, 4L, 3L, "os=linux", "5m", "", "", "<none>"), ds);
  }

  @Test
  void services() throws Exception {
    Printer p = printer("", "services");
    assertEquals(
        list("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), names(p, false));
    assertEquals("SELECTOR", names(p, true).get(6));
    List<Object> c =
        cells(
            p,
            """
        {"metadata": {"name": "web", %s},
         "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                  "selector": {"app": "web"},
                  "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443}, {"port": 53, "protocol": "UDP"}]}}
        """
                .formatted(CREATED));
    assertEquals(
        List.of(
            "web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,443/TCP,53/UDP", "5m", "app=web"),
        c);
    List<Object> lb =
        cells(
            p,
            """
        {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer",
          "ports": [{"port": 80, "nodePort": 30080}]}, "status": {"loadBalancer": {}}}
        """);
    assertEquals(List.of("LoadBalancer", "<none>", "<pending>", "80:30080/TCP"), lb.subList(1, 5));
    List<Object> ext =
        cells(
            p,
            """
        {"metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}
        """);
    assertEquals(List.of("ExternalName", "<none>", "db.example.com", "<none>"), ext.subList(1, 5));
  }

  @Test
  void endpointsAndSlices() throws Exception {
    List<Object> ep =
        cells(
            printer("", "endpoints"),
            """
        {"metadata": {"name": "web", %s}, "subsets": [
          {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 80}, {"port": 443}]}]}
        """
                .formatted(CREATED));
    assertEquals(List.of("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "5m"), ep);
    assertEquals("<none>", cells(printer("", "endpoints"), "{\"metadata\": {}}").get(1));

    Printer slices = printer("discovery.k8s.io", "endpointslices");
    assertEquals(list("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"), names(slices, true));
    List<Object> es =
        cells(
            slices,
            """
        {"metadata": {"name": "web-abc", %s}, "addressType": "IPv4",
         "ports": [{"port": 80}, {"name": "metrics"}],
         "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}]}
        """
                .formatted(CREATED));
    assertEquals(List.of("web-abc", "IPv4", "80,metrics", "10.0.0.1,10.0.0.2", "5m"), es);
    assertEquals("<unset>", cells(slices, "{\"metadata\": {}}").get(2));
  }

  @Test
  void coreKinds() throws Exception {
    assertEquals(
        List.of("kube-system", "Active", "5m"),
        cells(
            printer("", "namespaces"),
            "{\"metadata\": {\"name\": \"kube-system\", "
                + CREATED
                + "}, \"status\": {\"phase\": \"Active\"}}"));
    assertEquals(
        List.of("cfg", 3L, "5m"),
        cells(
            printer("", "configmaps"),
            "{\"metadata\": {\"name\": \"cfg\", "
                + CREATED
                + "}, \"data\": {\"a\": \"1\", \"b\": \"2\"},"
                + " \"binaryData\": {\"c\": \"AA==\"}}"));
    assertEquals(
        List.of("tls", "kubernetes.io/tls", 2L, "5m"),
        cells(
            printer("", "secrets"),
            "{\"metadata\": {\"name\": \"tls\", "
                + CREATED
                + "}, \"type\": \"kubernetes.io/tls\","
                + " \"data\": {\"tls.crt\": \"\", \"tls.key\": \"\"}}"));
    assertEquals(list("NAME", "SECRETS", "AGE"), names(printer("", "serviceaccounts"), true));
    assertEquals(
        list("NAME", "HOLDER", "AGE"), names(printer("coordination.k8s.io", "leases"), true));
    assertEquals(
        List.of("lock", "node-1", "5m"),
        cells(
            printer("coordination.k8s.io", "leases"),
            "{\"metadata\": {\"name\": \"lock\", "
                + CREATED
                + "}, \"spec\": {\"holderIdentity\": \"node-1\"}}"));
  }

  @Test
  void nodes() throws Exception {
    Printer p = printer("", "nodes");
    assertEquals(list("NAME", "STATUS", "ROLES", "AGE", "VERSION"), names(p, false));
    List<Object> c =
        cells(
            p,
            """
        {"metadata": {"name": "n1", %s, "labels": {"node-role.kubernetes.io/control-plane": "",
                                                    "kubernetes.io/role": "master"}},
         "spec": {"unschedulable": true},
         "status": {"conditions": [{"type": "Ready", "status": "True"}],
                    "addresses": [{"type": "InternalIP", "address": "192.168.1.2"}],
                    "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Ubuntu"}}}
        """
                .formatted(CREATED));
    assertEquals(
        List.of(
            "n1",
            "Ready,SchedulingDisabled",
            "control-plane,master",
            "5m",
            "v1.33.0",
            "192.168.1.2",
            "<none>",
            "Ubuntu",
            "<unknown>",
            "<unknown>"),
        c);
  }

  @Test
  void events() throws Exception {
    Printer p = printer("", "events");
    assertEquals(list("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"), names(p, false));
    List<Object> c =
        cells(
            p,
            """
        {"metadata": {"name": "web.17a", %s},
         "involvedObject": {"kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{a}"},
         "reason": "Pulled", "type": "Normal", "message": "pulled image\\n",
         "source": {"component": "kubelet", "host": "n1"},
         "firstTimestamp": "2024-05-01T11:50:00Z", "lastTimestamp": "2024-05-01T11:58:00Z"}
        """
                .formatted(CREATED));
    assertEquals(
        List.of(
            "2m",
            "Normal",
            "Pulled",
            "pod/web-1",
            "spec.containers{a}",
            "kubelet, n1",
            "pulled image",
            "10m",
            1L,
            "web.17a"),
        c);
    List<Object> v1 =
        cells(
            printer("events.k8s.io", "events"),
            """
        {"metadata": {"name": "e"}, "regarding": {"kind": "Node", "name": "n1"},
         "note": "hello", "reason": "R", "type": "Warning", "reportingController": "ctl",
         "eventTime": "2024-05-01T11:59:00.000000Z", "series": {"count": 5,
         "lastObservedTime": "2024-05-01T11:59:30.000000Z"}}
        """);
    assertEquals(List.of("30s", "Warning", "R", "node/n1", "", "ctl", "hello", "60s", 5L, "e"), v1);
  }

  @Test
  void jobsAndCronJobs() throws Exception {
    Printer jobs = printer("batch", "jobs");
    assertEquals(list("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"), names(jobs, false));
    List<Object> c =
        cells(
            jobs,
            """
        {"metadata": {"name": "pi", %s}, "spec": {"completions": 3,
          "template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}},
         "status": {"succeeded": 3, "startTime": "2024-05-01T11:55:00Z",
                    "completionTime": "2024-05-01T11:55:42Z",
                    "conditions": [{"type": "Complete", "status": "True"}]}}
        """
                .formatted(CREATED));
    assertEquals(List.of("pi", "Complete", "3/3", "42s", "5m", "pi", "perl", "<none>"), c);
    assertEquals(List.of("Running", "0/1", ""), cells(jobs, "{\"metadata\": {}}").subList(1, 4));
    assertEquals(
        "1/1 of 4",
        cells(
                jobs,
                "{\"metadata\": {}, \"spec\": {\"parallelism\": 4},"
                    + " \"status\": {\"succeeded\": 1}}")
            .get(2));

    Printer cron = printer("batch", "cronjobs");
    assertEquals(
        list("NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"),
        names(cron, false));
    assertEquals(
        List.of("nightly", "0 3 * * *", "<none>", "False", 1L, "60s"),
        cells(
                cron,
                """
            {"metadata": {"name": "nightly", %s}, "spec": {"schedule": "0 3 * * *"},
             "status": {"active": [{"name": "j"}], "lastScheduleTime": "2024-05-01T11:59:00Z"}}
            """
                    .formatted(CREATED))
            .subList(0, 6));
  }

  @Test
  void ingressesPvcsHpasAndRbac() throws Exception {
    Printer ing = printer("networking.k8s.io", "ingresses");
    assertEquals(list("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"), names(ing, true));
    assertEquals(
        List.of("web", "nginx", "a.example.com,b.example.com", "1.2.3.4", "80, 443", "5m"),
        cells(
            ing,
            """
            {"metadata": {"name": "web", %s}, "spec": {"ingressClassName": "nginx",
              "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}], "tls": [{}]},
             "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}}
            """
                .formatted(CREATED)));

    Printer pvc = printer("", "persistentvolumeclaims");
    assertEquals(
        list(
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE"),
        names(pvc, false));
    assertEquals(
        List.of("data", "Bound", "pv-1", "10Gi", "RWO,RWX", "fast", "<unset>", "5m", "Filesystem"),
        cells(
            pvc,
            """
            {"metadata": {"name": "data", %s}, "spec": {"volumeName": "pv-1",
              "storageClassName": "fast"},
             "status": {"phase": "Bound", "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                        "capacity": {"storage": "10Gi"}}}
            """
                .formatted(CREATED)));

    Printer hpa = printer("autoscaling", "horizontalpodautoscalers");
    assertEquals(
        List.of(
            "web", "Deployment/web", "cpu: 40%/80%, memory: <unknown>/500Mi", "2", 10L, 3L, "5m"),
        cells(
            hpa,
            """
            {"metadata": {"name": "web", %s}, "spec": {"minReplicas": 2, "maxReplicas": 10,
              "scaleTargetRef": {"kind": "Deployment", "name": "web"},
              "metrics": [
                {"type": "Resource", "resource": {"name": "cpu",
                  "target": {"type": "Utilization", "averageUtilization": 80}}},
                {"type": "Resource", "resource": {"name": "memory",
                  "target": {"type": "AverageValue", "averageValue": "500Mi"}}}]},
             "status": {"currentReplicas": 3, "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu",
                  "current": {"averageUtilization": 40}}}]}}
            """
                .formatted(CREATED)));

    Printer rb = printer("rbac.authorization.k8s.io", "rolebindings");
    assertEquals(
        List.of("rb", "ClusterRole/view", "5m", "alice, bob", "devs", "ns1/sa"),
        cells(
            rb,
            """
            {"metadata": {"name": "rb", %s}, "roleRef": {"kind": "ClusterRole", "name": "view"},
             "subjects": [{"kind": "User", "name": "alice"}, {"kind": "User", "name": "bob"},
                          {"kind": "Group", "name": "devs"},
                          {"kind": "ServiceAccount", "namespace": "ns1", "name": "sa"}]}
            """
                .formatted(CREATED)));
  }

  @Test
  void kindsWithoutPrinterGetNameAndCreatedAt() throws Exception {
    for (String plural : List.of("roles", "clusterroles")) {
      Printer p = printer("rbac.authorization.k8s.io", plural);
      assertEquals(list("NAME", "CREATED AT"), names(p, true));
      assertEquals(
          List.of("admin", "2024-05-01T11:55:00Z"),
          cells(p, "{\"metadata\": {\"name\": \"admin\", " + CREATED + "}}"));
    }
    Printer crds = printer("apiextensions.k8s.io", "customresourcedefinitions");
    assertEquals(list("NAME", "CREATED AT"), names(crds, true));
    assertEquals("date", crds.columns().get(1).type());
  }

  @Test
  void crdPrinterColumns() throws Exception {
    ObjectNode crd =
        (ObjectNode)
            JSON.readTree(
                """
        {"metadata": {"name": "clusters.cluster.karmada.io", "resourceVersion": "7"},
         "spec": {"versions": [{"name": "v1alpha1", "additionalPrinterColumns": [
           {"name": "VERSION", "type": "string", "jsonPath": ".status.kubernetesVersion"},
           {"name": "MODE", "type": "string", "jsonPath": ".spec.syncMode"},
           {"name": "READY", "type": "string",
            "jsonPath": ".status.conditions[?(@.type==\\"Ready\\")].status"},
           {"name": "AGE", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
           {"name": "ZONES", "type": "string", "priority": 1, "jsonPath": ".spec.zones",
            "description": "Zones of the cluster."},
           {"name": "NODES", "type": "integer", "jsonPath": ".status.nodes"},
           {"name": "RATIO", "type": "number", "jsonPath": ".status.ratio"},
           {"name": "ON", "type": "boolean", "jsonPath": ".spec.on"},
           {"name": "SEEN", "type": "date", "jsonPath": ".status.seen"}]}]}}
        """);
    Printer p = Printers.forCrd(crd, "clusters.cluster.karmada.io", "v1alpha1");
    assertEquals(
        list("NAME", "VERSION", "MODE", "READY", "AGE", "ZONES", "NODES", "RATIO", "ON", "SEEN"),
        names(p, true));
    assertEquals("Zones of the cluster.", p.columns().get(5).description());
    assertEquals(
        "Custom resource definition column (in JSONPath format): .spec.syncMode",
        p.columns().get(2).description());
    assertEquals(1, p.columns().get(5).priority());
    List<Object> c =
        cells(
            p,
            """
        {"metadata": {"name": "m1", %s},
         "spec": {"syncMode": "Pull", "zones": ["z1", "z2"], "on": "yes"},
         "status": {"kubernetesVersion": "v1.33.1", "nodes": 3.0, "ratio": 2, "seen": "garbage",
                    "conditions": [{"type": "Ready", "status": "True"}]}}
        """
                .formatted(CREATED));
    assertEquals(
        Arrays.asList(
            "m1", "v1.33.1", "Pull", "True", "5m", "[\"z1\",\"z2\"]", 3L, 2.0, null, "<invalid>"),
        c);
    List<Object> empty = cells(p, "{\"metadata\": {\"name\": \"m2\"}}");
    assertEquals("m2", empty.get(0));
    assertNull(empty.get(1));
    assertNull(empty.get(3));
    assertNull(empty.get(4), "no creationTimestamp: nothing found, an empty cell");
  }

  @Test
  void crdWithoutColumnsGetsNameAndAge() throws Exception {
    ObjectNode crd =
        (ObjectNode)
            JSON.readTree(
                """
        {"metadata": {"name": "works.work.karmada.io", "resourceVersion": "1"},
         "spec": {"versions": [{"name": "v1alpha1"}]}}
        """);
    Printer p = Printers.forCrd(crd, "works.work.karmada.io", "v1alpha1");
    assertEquals(list("NAME", "AGE"), names(p, true));
    assertEquals(
        List.of("w", "5m"), cells(p, "{\"metadata\": {\"name\": \"w\", " + CREATED + "}}"));
  }

  @Test
  void badJsonPathKeepsColumnsBeforeIt() throws Exception {
    JsonNode columns =
        JSON.readTree(
            """
        [{"name": "A", "type": "string", "jsonPath": ".spec.a"},
         {"name": "B", "type": "string", "jsonPath": ".spec.b[?(@.x===1)]"},
         {"name": "C", "type": "string", "jsonPath": ".spec.c"}]
        """);
    assertEquals(list("NAME", "A"), names(CustomPrinter.of(columns), true));
  }
}
