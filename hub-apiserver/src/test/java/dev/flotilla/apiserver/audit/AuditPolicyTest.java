package dev.flotilla.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.audit.AuditPolicy.Level;
import dev.flotilla.apiserver.audit.AuditPolicy.Request;
import dev.flotilla.apiserver.audit.AuditPolicy.Stage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's policy checker semantics, case by case, and its strict loading. */
class AuditPolicyTest {
  private static final AuditPolicy POLICY =
      AuditPolicy.parse(
          "test",
          """
          apiVersion: audit.k8s.io/v1
          kind: Policy
          omitStages: [RequestReceived]
          rules:
          - level: None
            users: ["system:kube-proxy"]
            verbs: ["watch"]
          - level: None
            userGroups: ["system:nodes"]
          - level: Metadata
            resources:
            - group: ""
              resources: ["secrets", "configmaps"]
          - level: RequestResponse
            resources:
            - group: "apps"
              resources: ["deployments/*"]
            - group: ""
              resources: ["*/status"]
          - level: Request
            namespaces: ["team-a"]
            resources:
            - group: ""
              resources: ["pods"]
              resourceNames: ["special"]
          - level: None
            nonResourceURLs: ["/healthz*", "/version"]
          - level: Request
            namespaces: [""]
          - level: Metadata
            omitStages: [ResponseStarted]
            omitManagedFields: true
          """
              .getBytes(StandardCharsets.UTF_8));

  private static Request res(
      String user, String verb, String group, String ns, String resource, String sub, String name) {
    return new Request(
        user, List.of("system:authenticated"), verb, true, group, ns, resource, sub, name, "/x");
  }

  private static Request nonRes(String path) {
    return new Request("alice", List.of(), "get", false, null, null, null, null, null, path);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "users and verbs both match",
            res("system:kube-proxy", "watch", "", "default", "endpoints", null, null),
            Level.None),
        Arguments.of(
            "users match, verb does not: next rules",
            res("system:kube-proxy", "list", "", "default", "endpoints", null, null),
            Level.Metadata),
        Arguments.of(
            "user group",
            new Request(
                "n1",
                List.of("system:nodes"),
                "get",
                true,
                "",
                "default",
                "secrets",
                null,
                "s",
                "/x"),
            Level.None),
        Arguments.of(
            "resource in core",
            res("alice", "get", "", "default", "secrets", null, "s"),
            Level.Metadata),
        Arguments.of(
            "group must match exactly",
            res("alice", "get", "apps", "default", "secrets", null, "s"),
            Level.Metadata),
        Arguments.of(
            "res/* matches the resource itself",
            res("alice", "get", "apps", "default", "deployments", null, "d"),
            Level.RequestResponse),
        Arguments.of(
            "res/* matches its subresources",
            res("alice", "update", "apps", "default", "deployments", "scale", "d"),
            Level.RequestResponse),
        Arguments.of(
            "*/status matches any status",
            res("alice", "update", "", "default", "services", "status", "s"),
            Level.RequestResponse),
        Arguments.of(
            "*/status not the resource",
            res("alice", "update", "", "default", "services", null, "s"),
            Level.Metadata),
        Arguments.of(
            "resourceNames and namespace",
            res("alice", "get", "", "team-a", "pods", null, "special"),
            Level.Request),
        Arguments.of(
            "another name",
            res("alice", "get", "", "team-a", "pods", null, "other"),
            Level.Metadata),
        Arguments.of(
            "a list has no name",
            res("alice", "list", "", "team-a", "pods", null, null),
            Level.Metadata),
        Arguments.of("non-resource with trailing *", nonRes("/healthz/ready"), Level.None),
        Arguments.of("non-resource exact", nonRes("/version"), Level.None),
        Arguments.of("non-resource other", nonRes("/metrics"), Level.Metadata),
        Arguments.of(
            "\"\" namespace is cluster scope",
            res("alice", "list", "", null, "nodes", null, null),
            Level.Request),
        Arguments.of("namespaces never match non-resource", nonRes("/apis"), Level.Metadata));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void firstMatchingRuleDecides(String name, Request request, Level expected) {
    assertEquals(expected, POLICY.decide(request).level(), name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stagesCombinePolicyAndRule(String name, Request request, Level ignored) {
    AuditPolicy.Decision d = POLICY.decide(request);
    assertTrue(d.omitStages().contains(Stage.RequestReceived), name);
  }

  @org.junit.jupiter.api.Test
  void ruleSettingsApply() {
    AuditPolicy.Decision d = POLICY.decide(nonRes("/metrics"));
    assertTrue(d.omitStages().contains(Stage.ResponseStarted));
    assertTrue(d.omitManagedFields());
    AuditPolicy.Decision other = POLICY.decide(res("alice", "get", "", "x", "secrets", null, "s"));
    assertTrue(!other.omitManagedFields() && !other.omitStages().contains(Stage.ResponseStarted));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n", "0 rules"),
        Arguments.of(
            "apiVersion: audit.k8s.io/v1beta2\nkind: Policy\nrules: [{level: None}]\n",
            "must be apiVersion audit.k8s.io/v1"),
        Arguments.of(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Everything}]\n",
            "rules[0].level: Unsupported value: \"Everything\""),
        Arguments.of(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, user: [a]}]\n",
            "unknown field \"user\""),
        Arguments.of(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, omitStages: [Done]}]\n",
            "Unsupported value: \"Done\""),
        Arguments.of(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: [/a], namespaces: [x]}]\n",
            "both regular resources and non-resource URLs"),
        Arguments.of(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: [\"a*b\"]}]\n",
            "non-resource URLs start with /"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void badPoliciesAreRefusedWithTheField(String yaml, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AuditPolicy.parse("p.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("p.yaml"), e.getMessage());
  }
}
