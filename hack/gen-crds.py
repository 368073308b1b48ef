#!/usr/bin/env python3
"""Generate the CustomResourceDefinition manifests Flotilla serves.

Reads the upstream CRDs in ../shared/data/crds (relative to the repository root; Karmada's
policy.karmada.io and work.karmada.io kinds, and the MCS API's multicluster.x-k8s.io kinds) plus
hack/cluster-crd.yaml (cluster.karmada.io Cluster, which has no upstream CRD), and writes one
manifest per CRD into policies/src/main/resources/crds/<group>_<plural>.yaml.

Structure, field names, types, enums, defaults, required lists, validation, printer columns,
short names, categories, scope and subresources are kept exactly. Every upstream `description`
is removed, and our own short descriptions from the tables below are merged in, so that
`kubectl explain` shows Flotilla's words and never upstream prose.

Usage (from the repository root):
  python3 hack/gen-crds.py [--check] [path/to/upstream/crds]
--check regenerates in memory and exits 1 if a committed manifest is out of date.
Needs Python 3 and PyYAML.
"""
import copy
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SRC = os.path.join(ROOT, "..", "shared", "data", "crds")
CLUSTER_INPUT = os.path.join(ROOT, "hack", "cluster-crd.yaml")
TAINT_POLICY_INPUT = os.path.join(ROOT, "hack", "clustertaintpolicy-crd.yaml")
REBALANCER_INPUT = os.path.join(ROOT, "hack", "workloadrebalancer-crd.yaml")
INTERPRETER_INPUT = os.path.join(ROOT, "hack", "resourceinterpretercustomization-crd.yaml")
QUOTA_INPUT = os.path.join(ROOT, "hack", "federatedresourcequota-crd.yaml")
OUT_DIR = os.path.join(ROOT, "policies", "src", "main", "resources", "crds")

KARMADA = "karmada-io/karmada@f8fdd02"
MCS = "kubernetes-sigs/mcs-api@ded161a"

# (input file, source relative to DEFAULT_SRC unless it is CLUSTER_INPUT, upstream it follows)
INPUTS = [
    (CLUSTER_INPUT, KARMADA + " pkg/apis/cluster/v1alpha1/types.go"),
    ("karmada-policy.karmada.io_propagationpolicies.yaml", KARMADA),
    ("karmada-policy.karmada.io_clusterpropagationpolicies.yaml", KARMADA),
    ("karmada-policy.karmada.io_overridepolicies.yaml", KARMADA),
    ("karmada-policy.karmada.io_clusteroverridepolicies.yaml", KARMADA),
    (TAINT_POLICY_INPUT, KARMADA + " pkg/apis/policy/v1alpha1/clustertaint_types.go"),
    (QUOTA_INPUT, KARMADA + " charts/karmada/_crds/bases/policy"),
    (INTERPRETER_INPUT, KARMADA + " charts/karmada/_crds/bases/config"),
    ("karmada-work.karmada.io_works.yaml", KARMADA),
    ("karmada-work.karmada.io_resourcebindings.yaml", KARMADA),
    ("karmada-work.karmada.io_clusterresourcebindings.yaml", KARMADA),
    (REBALANCER_INPUT, KARMADA + " pkg/apis/apps/v1alpha1/workloadrebalancer_types.go"),
    ("mcs-api-multicluster.x-k8s.io_serviceexports.yaml", MCS),
    ("mcs-api-multicluster.x-k8s.io_serviceimports.yaml", MCS),
]

# Upstream metadata we do not carry over: it would claim a tool generated our files.
DROP_ANNOTATIONS = {"controller-gen.kubebuilder.io/version"}

# ---------------------------------------------------------------------------------------------
# Our descriptions. Keys are `kubectl explain` paths below the kind ("" is the kind itself);
# array items are traversed implicitly, as kubectl explain does. One plain sentence each.
# ---------------------------------------------------------------------------------------------


def prefixed(prefix, table):
    """Re-roots a fragment: keys starting with '.' are appended to prefix, '' names prefix."""
    out = {}
    for k, v in table.items():
        out[prefix + k if k else prefix] = v
    return out


COMMON = {
    "apiVersion": "The API group and version this object is written in.",
    "kind": "The type name of this object, in CamelCase.",
    "metadata": "Name, namespace, labels, annotations and other bookkeeping of this object.",
}


def label_selector(what):
    return {
        "": f"Label query that {what} must match.",
        ".matchLabels": "Label keys and values that must all be present.",
        ".matchExpressions": "Set-based label requirements that must all hold.",
        ".matchExpressions.key": "Label key the requirement looks at.",
        ".matchExpressions.operator": "How the label relates to the values: In, NotIn, Exists or DoesNotExist.",
        ".matchExpressions.values": "Values to compare with, required for In and NotIn and empty for Exists and DoesNotExist.",
    }


def cluster_affinity():
    t = {
        ".clusterNames": "When set, only member clusters named here are candidates.",
        ".exclude": "Member clusters that are never candidates, whatever the other fields say.",
        ".fieldSelector": "Selects member clusters by their provider, region or zone.",
        ".fieldSelector.matchExpressions": "Requirements on cluster fields that must all hold, with keys provider, region or zone and operators In or NotIn.",
        ".fieldSelector.matchExpressions.key": "Cluster field to test: provider, region or zone.",
        ".fieldSelector.matchExpressions.operator": "Comparison to apply, In or NotIn.",
        ".fieldSelector.matchExpressions.values": "Field values to compare with.",
    }
    t.update(prefixed(".labelSelector", label_selector("candidate member clusters")))
    return t


def toleration():
    return {
        ".key": "Taint key to tolerate; an empty key with operator Exists tolerates every taint.",
        ".operator": "Exists tolerates any value of the key, while Equal, the default, needs the value to match.",
        ".value": "Taint value to match when the operator is Equal.",
        ".effect": "Taint effect to tolerate (NoSchedule, PreferNoSchedule or NoExecute), or empty for all effects.",
        ".tolerationSeconds": "For NoExecute taints, how many seconds to stay after the taint appears; unset means forever.",
    }


def conditions(summary):
    return {
        "": summary,
        ".type": "Condition type, for example Ready.",
        ".status": "Whether the condition holds: True, False or Unknown.",
        ".reason": "Machine-readable CamelCase code for the last change of status.",
        ".message": "Human-readable details about the last change of status.",
        ".lastTransitionTime": "When the status of this condition last changed.",
        ".observedGeneration": "The metadata.generation this condition was computed from.",
    }


def placement(summary):
    t = {
        "": summary,
        ".clusterAffinity": "Restricts placement to one set of member clusters; it cannot be combined with clusterAffinities, and without either every cluster is a candidate.",
        ".clusterAffinities": "Ordered alternative groups of member clusters; the scheduler takes the first group that fits and only then tries the next.",
        ".clusterAffinities.affinityName": "Name of this cluster group, 1 to 32 characters long.",
        ".clusterAffinities.overflowAffinities": "Further cluster groups, added in order, that take the overflow when the main group runs out of capacity.",
        ".clusterAffinities.overflowAffinities.affinityName": "Name of this overflow group, 1 to 32 characters long.",
        ".clusterTolerations": "Cluster taints this placement tolerates, matched like Pod tolerations against node taints.",
        ".spreadConstraints": "Bounds on how many groups of member clusters the resources are spread over.",
        ".spreadConstraints.spreadByField": "Cluster field that forms the groups: cluster, region, zone or provider.",
        ".spreadConstraints.spreadByLabel": "Cluster label key whose values form the groups; it cannot be combined with spreadByField.",
        ".spreadConstraints.maxGroups": "Largest number of groups to use.",
        ".spreadConstraints.minGroups": "Smallest number of groups to use, 1 when unset.",
        ".replicaScheduling": "How the replica count of workloads such as Deployments is shared out among the chosen clusters.",
        ".replicaScheduling.replicaSchedulingType": "Duplicated gives each chosen cluster the full replica count, while Divided, the default, splits the count among them.",
        ".replicaScheduling.replicaDivisionPreference": "With Divided, Aggregated packs replicas into as few clusters as possible and Weighted splits them by weight.",
        ".replicaScheduling.weightPreference": "Weights for Weighted division; without it every cluster weighs the same.",
        ".replicaScheduling.weightPreference.staticWeightList": "Fixed weights for groups of clusters, ignored when dynamicWeight is set.",
        ".replicaScheduling.weightPreference.staticWeightList.targetCluster": "Member clusters that get this weight.",
        ".replicaScheduling.weightPreference.staticWeightList.weight": "Relative share of replicas for those clusters, at least 1.",
        ".replicaScheduling.weightPreference.dynamicWeight": "Computes weights at scheduling time; AvailableReplicas weighs each cluster by the replicas it can still fit.",
        ".workloadAffinity": "Keeps related workloads together on, or apart across, member clusters by a shared label.",
        ".workloadAffinity.affinity": "Places workloads with the same group label value on the same clusters.",
        ".workloadAffinity.affinity.groupByLabelKey": "Workload label key whose value names the affinity group.",
        ".workloadAffinity.antiAffinity": "Keeps workloads with the same group label value on different clusters.",
        ".workloadAffinity.antiAffinity.groupByLabelKey": "Workload label key whose value names the anti-affinity group.",
    }
    for p in (".clusterAffinity", ".clusterAffinities", ".clusterAffinities.overflowAffinities",
              ".replicaScheduling.weightPreference.staticWeightList.targetCluster"):
        t.update(prefixed(p, cluster_affinity()))
    t.update(prefixed(".clusterTolerations", toleration()))
    return t


def state_preservation():
    return {
        "": "State to carry over from the old copy to the new one during failover.",
        ".rules": "Values to read from the old copy's status and set as labels on the new copy.",
        ".rules.aliasLabelName": "Label key under which the value is set on the new copy.",
        ".rules.jsonPath": "JSONPath into the old copy's status that picks the value.",
    }


def failover():
    t = {
        "": "Whether and how workloads move elsewhere when an application or a member cluster fails; absent means never.",
        ".application": "Failover caused by an unhealthy application.",
        ".application.decisionConditions": "Conditions that must all hold before the application is moved.",
        ".application.decisionConditions.tolerationSeconds": "Seconds an application may stay unhealthy before it is moved, 300 by default.",
        ".application.purgeMode": "How the copy on the failed cluster is removed: Directly, Gracefully (the default) or Never.",
        ".application.gracePeriodSeconds": "With Gracefully, the longest wait in seconds before the old copy goes even if the new one is not healthy yet.",
        ".cluster": "Failover caused by a failing member cluster.",
        ".cluster.purgeMode": "How the copy on the failed cluster is removed: Directly or Gracefully (the default).",
    }
    t.update(prefixed(".application.statePreservation", state_preservation()))
    t.update(prefixed(".cluster.statePreservation", state_preservation()))
    return t


def suspension():
    return {
        "": "Pauses parts of propagation; absent means nothing is paused.",
        ".dispatching": "When true, no updates are sent to any member cluster; it cannot be combined with dispatchingOnClusters.",
        ".dispatchingOnClusters": "Stops updates to the listed member clusters only.",
        ".dispatchingOnClusters.clusterNames": "Member clusters that get no updates while this is set.",
    }


def resource_selectors(summary, namespace_text):
    t = {
        "": summary,
        ".apiVersion": "API group and version of the resources to select, for example apps/v1.",
        ".kind": "Kind of the resources to select, for example Deployment.",
        ".namespace": namespace_text,
        ".name": "Name of the one resource to select; empty selects all that match the other fields.",
    }
    t.update(prefixed(".labelSelector", label_selector("the selected resources (ignored when name is set)")))
    return t


def propagation(kind_text, namespace_text):
    t = {
        "": kind_text,
        "spec": "Which resource templates to propagate, where to place them and how to treat conflicts.",
        "spec.association": "Deprecated switch, replaced by propagateDeps.",
        "spec.propagateDeps": "When true, the resources a selected template depends on, such as the ConfigMaps and Secrets a Deployment mounts, go to the same clusters.",
        "spec.activationPreference": "Lazy makes changes to this policy reach a resource template only when the template itself next changes.",
        "spec.conflictResolution": "What to do when a resource already exists in a member cluster: Abort, the default, leaves it alone and Overwrite takes it over.",
        "spec.dependentOverrides": "Names of OverridePolicies that must exist before this policy takes effect.",
        "spec.priority": "Precedence of this policy when several match the same template; the highest value wins and 0 is the default.",
        "spec.preemption": "Whether this policy may take templates from a policy of lower priority that already claimed them: Always or Never (the default).",
        "spec.schedulerName": "Scheduler that places the resources, default-scheduler unless set.",
        "spec.preserveResourcesOnDeletion": "When true, deleting the resource template leaves its copies running in the member clusters.",
        "spec.schedulePriority": "Scheduling priority of the selected workloads, taken from a PriorityClass.",
        "spec.schedulePriority.priorityClassSource": "Where to look up the PriorityClass; KubePriorityClass means scheduling.k8s.io PriorityClasses.",
        "spec.schedulePriority.priorityClassName": "Name of the PriorityClass whose value becomes the priority.",
    }
    t.update(prefixed("spec.resourceSelectors", resource_selectors(
        "Resource templates to propagate; at least one selector is needed and an empty list never means all resources.",
        namespace_text)))
    t.update(prefixed("spec.placement", placement(
        "Which member clusters receive the selected resources and how replicas are shared among them.")))
    t.update(prefixed("spec.failover", failover()))
    t.update(prefixed("spec.suspension", suspension()))
    return t


def overriders(summary):
    t = {
        "": summary,
        ".imageOverrider": "Rewrites parts of container image references.",
        ".imageOverrider.predicate": "Limits the rule to the image at one path; absent means every container image of well-known workload kinds.",
        ".imageOverrider.predicate.path": "JSON pointer to the image field, for example /spec/template/spec/containers/0/image.",
        ".imageOverrider.component": "Part of the image reference to change: Registry, Repository or Tag.",
        ".imageOverrider.operator": "Change to make to that part: add, remove or replace.",
        ".imageOverrider.value": "New text for the part, needed for add and replace and ignored for remove.",
        ".commandOverrider": "Adds or removes entries of a container's command.",
        ".commandOverrider.containerName": "Name of the container to change.",
        ".commandOverrider.operator": "add appends the values and remove deletes the matching entries.",
        ".commandOverrider.value": "Command entries to append or delete.",
        ".argsOverrider": "Adds or removes entries of a container's args.",
        ".argsOverrider.containerName": "Name of the container to change.",
        ".argsOverrider.operator": "add appends the values and remove deletes the matching entries.",
        ".argsOverrider.value": "Argument entries to append or delete.",
        ".labelsOverrider": "Adds, replaces or removes labels of the resource.",
        ".labelsOverrider.operator": "Change to make to the labels: add, remove or replace.",
        ".labelsOverrider.value": "Label keys and values to add, replace or remove.",
        ".annotationsOverrider": "Adds, replaces or removes annotations of the resource.",
        ".annotationsOverrider.operator": "Change to make to the annotations: add, remove or replace.",
        ".annotationsOverrider.value": "Annotation keys and values to add, replace or remove.",
        ".fieldOverrider": "Edits a string field that holds a JSON or YAML document, such as a ConfigMap entry.",
        ".fieldOverrider.fieldPath": "JSON pointer (RFC 6901) to the field that holds the document.",
        ".plaintext": "Edits fields of the resource by JSON pointer, like a JSON patch.",
        ".plaintext.path": "JSON pointer to the field to change.",
        ".plaintext.operator": "Change to make: add, remove or replace.",
        ".plaintext.value": "Value to write, which must be empty for remove.",
    }
    for fmt in ("json", "yaml"):
        t.update({
            f".fieldOverrider.{fmt}": f"Changes to the document, read as {fmt.upper()}.",
            f".fieldOverrider.{fmt}.subPath": "JSON pointer inside the document to the value to change.",
            f".fieldOverrider.{fmt}.operator": "Change to make: add, remove or replace.",
            f".fieldOverrider.{fmt}.value": "Value to write for add and replace, ignored for remove.",
        })
    return t


def override(kind_text, namespace_text):
    t = {
        "": kind_text,
        "spec": "Which resources to change, in which member clusters, and how.",
        "spec.overrideRules": "Override rules, each pairing target clusters with the changes to make there.",
        "spec.overrideRules.targetCluster": "Member clusters this rule applies to; absent means all of them.",
        "spec.targetCluster": "Deprecated: member clusters for the top-level overriders; use overrideRules instead.",
    }
    t.update(prefixed("spec.resourceSelectors", resource_selectors(
        "Resources this policy changes; an empty list means all resources.", namespace_text)))
    t.update(prefixed("spec.overrideRules.targetCluster", cluster_affinity()))
    t.update(prefixed("spec.targetCluster", cluster_affinity()))
    t.update(prefixed("spec.overrideRules.overriders", overriders(
        "Changes to make to the resource in the target clusters.")))
    t.update(prefixed("spec.overriders", overriders(
        "Deprecated: changes used together with targetCluster; use overrideRules instead.")))
    return t


def replica_requirements(summary, with_namespace):
    t = {
        "": summary,
        ".nodeClaim": "Node constraints that every replica carries.",
        ".nodeClaim.nodeSelector": "Node labels every replica requires.",
        ".nodeClaim.hardNodeAffinity": "Required node affinity of every replica.",
        ".nodeClaim.tolerations": "Node taints every replica tolerates.",
        ".priorityClassName": "PriorityClass of the replicas.",
        ".resourceRequest": "Compute resources one replica requests, such as cpu and memory.",
    }
    for sel in ("matchExpressions", "matchFields"):
        what = "node labels" if sel == "matchExpressions" else "node fields"
        base = f".nodeClaim.hardNodeAffinity.nodeSelectorTerms.{sel}"
        t.update({
            base: f"Requirements on {what} that must all hold for the term to match.",
            base + ".key": f"Key of the {what[:-1]} to test.",
            base + ".operator": "How the key relates to the values, for example In, NotIn, Exists or Gt.",
            base + ".values": "Values to compare with.",
        })
    t[".nodeClaim.hardNodeAffinity.nodeSelectorTerms"] = "Alternative node terms, at least one of which a node must match."
    if with_namespace:
        t[".namespace"] = "Namespace the replicas run in, used when checking quota."
    t.update(prefixed(".nodeClaim.tolerations", toleration()))
    return t


def target_clusters(summary):
    return {
        "": summary,
        ".name": "Name of the member cluster.",
        ".replicas": "Replicas assigned to that cluster.",
        ".components": "Replicas per component assigned to that cluster, for workloads with several pod templates.",
        ".components.name": "Component name, as in spec.components.",
        ".components.replicas": "Replicas of that component assigned to the cluster.",
    }


def binding(kind_text):
    t = {
        "": kind_text,
        "spec": "The resource being propagated, its scheduling inputs and the scheduling result.",
        "spec.resource": "Reference to the resource template being propagated.",
        "spec.resource.apiVersion": "API group and version of the template.",
        "spec.resource.kind": "Kind of the template.",
        "spec.resource.name": "Name of the template.",
        "spec.resource.namespace": "Namespace of the template, empty for cluster-scoped kinds.",
        "spec.resource.uid": "UID of the template.",
        "spec.resource.resourceVersion": "resourceVersion of the template this binding was computed from.",
        "spec.resource.replicas": "Replica count of the template.",
        "spec.resource.resourcePerReplicas": "Compute resources one replica of the template requests.",
        "spec.replicas": "Total replica count the template asks for.",
        "spec.components": "Requirements per component, for workloads made of several pod templates.",
        "spec.components.name": "Component name, unique within the resource.",
        "spec.components.replicas": "Replica count of the component.",
        "spec.conflictResolution": "What to do when the resource already exists in a member cluster: Abort or Overwrite.",
        "spec.propagateDeps": "When true, the resources this template depends on are propagated with it.",
        "spec.schedulerName": "Scheduler responsible for this binding, copied from the policy.",
        "spec.preserveResourcesOnDeletion": "When true, deleting this binding leaves the copies running in the member clusters.",
        "spec.gracefulEvictionTasks": "Member clusters the resource is being moved away from, kept until the replacement is healthy or time runs out.",
        "spec.gracefulEvictionTasks.fromCluster": "Member cluster the resource is leaving.",
        "spec.gracefulEvictionTasks.purgeMode": "How the old copy is removed: Directly, Gracefully or Never.",
        "spec.gracefulEvictionTasks.replicas": "Replicas being moved, where the kind has replicas.",
        "spec.gracefulEvictionTasks.reason": "Machine-readable CamelCase code saying why the resource is moved.",
        "spec.gracefulEvictionTasks.message": "Human-readable details about the move.",
        "spec.gracefulEvictionTasks.producer": "Controller that started the move.",
        "spec.gracefulEvictionTasks.gracePeriodSeconds": "Longest wait in seconds before the old copy is removed.",
        "spec.gracefulEvictionTasks.suppressDeletion": "When true, the old copy stays until someone clears this flag.",
        "spec.gracefulEvictionTasks.creationTimestamp": "When the task was created, in server time.",
        "spec.gracefulEvictionTasks.clustersBeforeFailover": "Member clusters that ran the application before the move.",
        "spec.gracefulEvictionTasks.preservedLabelState": "Labels with state read from the old copy, to be set on the new one.",
        "spec.requiredBy": "Bindings of other resources that depend on this resource.",
        "spec.requiredBy.name": "Name of the dependent binding.",
        "spec.requiredBy.namespace": "Namespace of the dependent binding, empty for a ClusterResourceBinding.",
        "spec.rescheduleTriggeredAt": "When a user last asked for this binding to be scheduled again.",
        "spec.schedulePriority": "Scheduling priority resolved from the policy.",
        "spec.schedulePriority.priority": "Priority value; higher values are scheduled first and 0 is the default.",
        "spec.workloadAffinityGroups": "Affinity and anti-affinity group names computed for this workload.",
        "spec.workloadAffinityGroups.affinityGroup": "Group this workload should share clusters with.",
        "spec.workloadAffinityGroups.antiAffinityGroup": "Group this workload should not share clusters with.",
        "spec.suspension.scheduling": "When true, the scheduler leaves this binding alone until the flag is cleared.",
        "status": "Scheduling and propagation progress of the resource.",
        "status.aggregatedStatus": "State of the propagated resource in each member cluster.",
        "status.aggregatedStatus.clusterName": "Member cluster this entry is about.",
        "status.aggregatedStatus.applied": "Whether the resource was applied in that cluster.",
        "status.aggregatedStatus.appliedMessage": "Details of the apply result, usually the error.",
        "status.aggregatedStatus.health": "Health of the resource in that cluster: Healthy, Unhealthy or Unknown.",
        "status.aggregatedStatus.status": "Status copied from the resource in that cluster.",
        "status.lastScheduledTime": "When the scheduler last finished scheduling this binding.",
        "status.schedulerObservedGeneration": "Generation of this binding the scheduler last acted on.",
        "status.schedulerObservingAffinityName": "Cluster group of the placement the current schedule is based on.",
    }
    t.update(prefixed("spec.clusters", target_clusters(
        "Scheduling result: the member clusters chosen and the replicas each gets.")))
    t.update(prefixed("spec.requiredBy.clusters", target_clusters(
        "Scheduling result of the dependent binding.")))
    t.update(prefixed("spec.replicaRequirements", replica_requirements(
        "What one replica needs, used to estimate how many fit in a cluster.", True)))
    t.update(prefixed("spec.components.replicaRequirements", replica_requirements(
        "What one replica of the component needs.", False)))
    t.update(prefixed("spec.placement", placement("Placement rules copied from the policy.")))
    t.update(prefixed("spec.failover", failover()))
    t.update(prefixed("spec.suspension", suspension()))
    t.update(prefixed("status.conditions", conditions(
        "State of this binding, with condition types such as Scheduled and FullyApplied.")))
    return t


def work():
    t = {
        "": "The manifests the hub wants applied in one member cluster, kept in that cluster's execution namespace.",
        "spec": "The manifests to apply and how to apply them.",
        "spec.workload": "Holds the manifests to apply.",
        "spec.workload.manifests": "Complete Kubernetes objects to create or update in the member cluster.",
        "spec.suspendDispatching": "When true, the manifests are not applied to the member cluster, while status is still collected.",
        "spec.preserveResourcesOnDeletion": "When true, deleting this Work leaves the applied objects in the member cluster.",
        "status": "What became of the manifests in the member cluster.",
        "status.manifestStatuses": "State of each manifest as reported from the member cluster.",
        "status.manifestStatuses.identifier": "Which manifest this entry is about.",
        "status.manifestStatuses.identifier.ordinal": "Index of the manifest in spec.workload.manifests.",
        "status.manifestStatuses.identifier.group": "API group of the object.",
        "status.manifestStatuses.identifier.version": "API version of the object.",
        "status.manifestStatuses.identifier.kind": "Kind of the object.",
        "status.manifestStatuses.identifier.resource": "Plural resource name of the object.",
        "status.manifestStatuses.identifier.namespace": "Namespace of the object, empty for cluster-scoped kinds.",
        "status.manifestStatuses.identifier.name": "Name of the object.",
        "status.manifestStatuses.status": "Status copied from the applied object.",
        "status.manifestStatuses.health": "Health of the applied object: Healthy, Unhealthy or Unknown.",
    }
    t.update(prefixed("status.conditions", conditions(
        "State of this Work, with condition types such as Applied, Progressing, Available and Degraded.")))
    return t


def service_export():
    t = {
        "": "Makes the Service of the same name in this namespace available to the other clusters of the ClusterSet.",
        "spec": "Options for the export.",
        "spec.exportedLabels": "Labels to put on the resulting ServiceImport, where the implementation supports it.",
        "spec.exportedAnnotations": "Annotations to put on the resulting ServiceImport, where the implementation supports it.",
        "status": "Outcome of the export, written by the multi-cluster service controller.",
    }
    t.update(prefixed("status.conditions", conditions(
        "Export state, with condition types Valid, Ready and Conflict.")))
    return t


def service_import():
    t = {
        "": "A Service as seen across the ClusterSet, merged from the exports of every exporting cluster.",
        "spec": "Ports, addresses and traffic settings of the multi-cluster service.",
        "spec.type": "ClusterSetIP for a service with a virtual IP, or Headless for one without.",
        "spec.ips": "Virtual IPs of the service, at most one per IP family, used with ClusterSetIP only.",
        "spec.ipFamilies": "IP families (IPv4, IPv6) of the service addresses.",
        "spec.ports": "Ports of the service, the union of the ports of the exported Services.",
        "spec.ports.name": "Port name, a DNS label unique within the service.",
        "spec.ports.protocol": "TCP, UDP or SCTP, with TCP when empty.",
        "spec.ports.port": "Port number the service listens on.",
        "spec.ports.appProtocol": "Application protocol hint, such as http or a domain-prefixed name.",
        "spec.sessionAffinity": "ClientIP keeps each client on one backend and None, the default, does not; ignored for Headless.",
        "spec.sessionAffinityConfig": "Settings for ClientIP session affinity.",
        "spec.sessionAffinityConfig.clientIP": "Settings for sticking a client IP to one backend.",
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds": "Seconds a client stays on one backend, from 1 to 86400, 10800 by default.",
        "spec.internalTrafficPolicy": "Cluster or Local, as on a Service, taken from the exported Services.",
        "spec.trafficDistribution": "Routing preference for the endpoints, as on a Service, for example PreferClose.",
        "status": "Where the service comes from and whether it can be used.",
        "status.clusters": "Clusters that currently export this service.",
        "status.clusters.cluster": "Name of an exporting cluster, an RFC 1123 label.",
    }
    t.update(prefixed("status.conditions", conditions("Import state, with condition type Ready.")))
    return t


def cluster():
    t = {
        "": "A member cluster joined to the hub: how to reach it, where it runs and its last reported state.",
        "spec": "How the hub reaches this member cluster and where the cluster runs.",
        "spec.id": "Unique identifier of the member cluster, separate from metadata.uid and usually read from the member when it registers.",
        "spec.syncMode": "Push when the hub applies resources to the member itself, Pull when an agent in the member fetches them.",
        "spec.apiEndpoint": "URL or address of the member cluster's API server.",
        "spec.secretRef": "Secret on the hub holding the token and CA bundle used to reach the member cluster.",
        "spec.secretRef.namespace": "Namespace of the Secret.",
        "spec.secretRef.name": "Name of the Secret.",
        "spec.impersonatorSecretRef": "Secret on the hub holding the token used to impersonate users in the member cluster.",
        "spec.impersonatorSecretRef.namespace": "Namespace of the Secret.",
        "spec.impersonatorSecretRef.name": "Name of the Secret.",
        "spec.insecureSkipTLSVerification": "When true, the hub does not verify the member API server's certificate, which makes the connection insecure.",
        "spec.proxyURL": "Proxy through which the hub talks to the member cluster.",
        "spec.proxyHeader": "HTTP headers to send to that proxy, with several values of one header joined by commas.",
        "spec.provider": "Cloud or infrastructure provider the cluster runs on.",
        "spec.region": "Region the cluster runs in.",
        "spec.zone": "Deprecated single zone; use zones instead.",
        "spec.zones": "Failure zones the cluster spans.",
        "spec.taints": "Taints that keep resources off this cluster unless they tolerate them.",
        "spec.taints.key": "Taint key.",
        "spec.taints.value": "Taint value.",
        "spec.taints.effect": "What the taint does to resources that do not tolerate it: NoSchedule, PreferNoSchedule or NoExecute.",
        "spec.taints.timeAdded": "When the taint was added.",
        "spec.resourceModels": "Node size grades used to summarise the cluster's capacity.",
        "spec.resourceModels.grade": "Index of this grade, counting up from 0.",
        "spec.resourceModels.ranges": "Resource ranges a node must fall in to belong to this grade.",
        "spec.resourceModels.ranges.name": "Resource name, such as cpu or memory.",
        "spec.resourceModels.ranges.min": "Lower bound, inclusive.",
        "spec.resourceModels.ranges.max": "Upper bound, exclusive, and unbounded in the last grade.",
        "status": "State of the member cluster as last reported.",
        "status.kubernetesVersion": "Kubernetes version of the member cluster.",
        "status.apiEnablements": "API group versions and resources the member cluster serves.",
        "status.apiEnablements.groupVersion": "API group and version, for example apps/v1.",
        "status.apiEnablements.resources": "Resources served in that group version.",
        "status.apiEnablements.resources.name": "Plural resource name.",
        "status.apiEnablements.resources.kind": "Kind of the resource.",
        "status.nodeSummary": "Node counts of the member cluster.",
        "status.nodeSummary.totalNum": "Number of nodes.",
        "status.nodeSummary.readyNum": "Number of ready nodes.",
        "status.resourceSummary": "Compute resources of the member cluster.",
        "status.resourceSummary.allocatable": "Resources available for scheduling, summed over all nodes.",
        "status.resourceSummary.allocating": "Resources requested by Pods still waiting to be scheduled.",
        "status.resourceSummary.allocated": "Resources requested by Pods already placed on nodes.",
        "status.resourceSummary.allocatableModelings": "Number of nodes in each resource model grade.",
        "status.resourceSummary.allocatableModelings.grade": "Grade in spec.resourceModels.",
        "status.resourceSummary.allocatableModelings.count": "Number of nodes in that grade.",
        "status.remedyActions": "Remedy actions currently in force for the cluster, such as TrafficControl.",
    }
    t.update(prefixed("status.conditions", conditions(
        "Health of the cluster, with condition types Ready and CompleteAPIEnablements.")))
    return t


def cluster_taint_policy():
    def match(summary):
        return {
            "": summary,
            ".conditionType": "Type of the Cluster status condition to look at, for example Ready.",
            ".operator": "In matches when the condition's status is one of statusValues and NotIn when it is none of them.",
            ".statusValues": "Condition statuses to compare with: True, False or Unknown.",
        }

    t = {
        "": "Cluster-wide rule that adds taints to member clusters when their status conditions match and removes them when other conditions match.",
        "spec": "Which clusters to watch, on which conditions to add or remove taints, and which taints.",
        "spec.taints": "Taints this rule adds or removes, at least one; existing taints are compared by key and effect.",
        "spec.taints.key": "Key of the taint.",
        "spec.taints.value": "Value of the taint, empty by default.",
        "spec.taints.effect": "Effect of the taint: NoSchedule keeps new placements away, NoExecute also evicts what does not tolerate it.",
    }
    t.update(prefixed("spec.targetClusters", cluster_affinity()))
    t["spec.targetClusters"] = "Member clusters this rule applies to; unset means every cluster, and a cluster that stops matching keeps its taints."
    t.update(prefixed("spec.addOnConditions", match(
        "Conditions that must all hold for the taints to be added; with none, nothing is added.")))
    t.update(prefixed("spec.removeOnConditions", match(
        "Conditions that must all hold for the taints to be removed; with none, nothing is removed.")))
    return t


def workload_rebalancer():
    def ref(summary):
        return {
            "": summary,
            ".apiVersion": "API group and version of the resource template.",
            ".kind": "Kind of the resource template.",
            ".name": "Name of the resource template.",
            ".namespace": "Namespace of the resource template; empty for a cluster-scoped one.",
        }

    t = {
        "": "One-off request to schedule the named workloads afresh, as if they had just been created, with the outcome per workload in its status.",
        "spec": "The workloads to schedule again and how long to keep this object afterwards.",
        "spec.ttlSecondsAfterFinished": "Seconds after every workload has an outcome before this object is deleted; unset keeps it.",
        "status": "What the rebalance did so far.",
        "status.observedGeneration": "The metadata.generation the status was computed from.",
        "status.finishTime": "When every listed workload had an outcome.",
        "status.observedWorkloads": "Outcome for each listed workload.",
        "status.observedWorkloads.result": "Successful once the workload's binding was asked to schedule again, Failed when that is impossible.",
        "status.observedWorkloads.reason": "Why it failed, for example ReferencedBindingNotFound when the workload has no binding.",
    }
    t.update(prefixed("spec.workloads", ref("Resource templates to schedule again, at least one.")))
    t.update(prefixed("status.observedWorkloads.workload", ref("The workload this outcome is about.")))
    return t


def interpreter_customization():
    t = {
        "": "Lua scripts that tell Flotilla how to read and handle one kind of resource, ahead of its built-in rules.",
        "spec": "The kind these scripts are for and the scripts themselves.",
        "spec.target": "The resource kind the scripts interpret.",
        "spec.target.apiVersion": "API group and version of that kind, for example apps.kruise.io/v1alpha1.",
        "spec.target.kind": "Kind name, for example CloneSet.",
        "spec.customizations": "One optional Lua script per operation; an operation without one falls back to shipped or built-in rules.",
    }
    ops = {
        "retention": "Keeps values the member cluster owns when Flotilla updates the object there; defines Retain(desired, observed).",
        "replicaResource": "Reads the replica count and per-replica requirements for scheduling; defines GetReplicas(obj).",
        "replicaRevision": "Writes the replica count a member is assigned into the object; defines ReviseReplica(obj, replicas).",
        "statusReflection": "Picks the part of a member object's status reported back to the hub; defines ReflectStatus(obj).",
        "statusAggregation": "Merges the members' reported statuses into the template's status; defines AggregateStatus(obj, items).",
        "healthInterpretation": "Decides whether a member object is healthy; defines InterpretHealth(obj) returning a boolean.",
        "dependencyInterpretation": "Lists the objects that must travel with this one; defines GetDependencies(obj).",
    }
    for op, text in ops.items():
        t["spec.customizations." + op] = text
        t["spec.customizations." + op + ".luaScript"] = "Lua source run in a sandbox with a time and memory limit per call."
    return t


def federated_quota():
    def hard(summary):
        return summary
    return {
        "": "Namespace quota across the fleet: a total for all member clusters and a share for each.",
        "spec": "The fleet-wide limit and the share each member cluster enforces.",
        "spec.overall": "Fleet-wide limit per resource name; templates whose replicas would exceed it are refused.",
        "spec.staticAssignments": "The share of each member cluster, applied there as a ResourceQuota of the same name.",
        "spec.staticAssignments.clusterName": "Member cluster this share is for.",
        "spec.staticAssignments.hard": hard("Limit per resource name in that member cluster."),
        "status": "Limits and usage as last observed.",
        "status.overall": "The fleet-wide limit in force.",
        "status.overallUsed": "Usage summed over the member clusters.",
        "status.aggregatedStatus": "Limit and usage reported by each member cluster.",
        "status.aggregatedStatus.clusterName": "Member cluster these figures are from.",
        "status.aggregatedStatus.hard": "Limit of the ResourceQuota in that cluster.",
        "status.aggregatedStatus.used": "Usage reported by the ResourceQuota in that cluster.",
    }


DESCRIPTIONS = {
    "ResourceInterpreterCustomization": interpreter_customization(),
    "FederatedResourceQuota": federated_quota(),
    "Cluster": cluster(),
    "WorkloadRebalancer": workload_rebalancer(),
    "ClusterTaintPolicy": cluster_taint_policy(),
    "PropagationPolicy": propagation(
        "Namespaced policy that selects resource templates and propagates them to member clusters.",
        "Namespace of the resources to select; empty means the namespace of this policy."),
    "ClusterPropagationPolicy": propagation(
        "Cluster-wide policy that selects resource templates, namespaced or cluster-scoped, and propagates them to member clusters.",
        "Namespace of the resources to select; empty means every namespace."),
    "OverridePolicy": override(
        "Namespaced policy that changes resources per member cluster before they are applied there.",
        "Namespace of the resources to select; empty means the namespace of this policy."),
    "ClusterOverridePolicy": override(
        "Cluster-wide policy that changes resources per member cluster before they are applied there.",
        "Namespace of the resources to select; empty means every namespace."),
    "Work": work(),
    "ResourceBinding": binding(
        "Ties one namespaced resource template to the policy that claimed it and records where it is scheduled."),
    "ClusterResourceBinding": binding(
        "Ties one resource template to the cluster-wide policy that claimed it and records where it is scheduled."),
    "ServiceExport": service_export(),
    "ServiceImport": service_import(),
}
for _table in DESCRIPTIONS.values():
    for _k, _v in COMMON.items():
        _table.setdefault(_k, _v)

# Printer column descriptions: (kind, column name) -> text. Columns not listed get none.
COLUMN_DESCRIPTIONS = {
    ("FederatedResourceQuota", "OVERALL"): "Fleet-wide limit.",
    ("FederatedResourceQuota", "OVERALL_USED"): "Usage summed over member clusters.",
    ("ServiceImport", "Type"): "ClusterSetIP or Headless.",
    ("ServiceImport", "IP"): "Virtual IPs of the imported service.",
}

# ---------------------------------------------------------------------------------------------


def children(node):
    """Yields (kind, key, child schema) for every sub-schema of a schema node."""
    for k, c in (node.get("properties") or {}).items():
        yield "properties", k, c
    if isinstance(node.get("items"), dict):
        yield "items", None, node["items"]
    if isinstance(node.get("additionalProperties"), dict):
        yield "additionalProperties", None, node["additionalProperties"]
    for key in ("anyOf", "allOf", "oneOf"):
        for c in node.get(key) or []:
            yield key, None, c
    if isinstance(node.get("not"), dict):
        yield "not", None, node["not"]


def collect_descriptions(node, out):
    if "description" in node:
        out.add(normalize(node["description"]))
    for _, _, c in children(node):
        collect_descriptions(c, out)


def strip_descriptions(node):
    node.pop("description", None)
    for _, _, c in children(node):
        strip_descriptions(c)


def normalize(text):
    return re.sub(r"\s+", " ", str(text)).strip()


def resolve(root, path):
    node = root
    for seg in [s for s in path.split(".") if s]:
        while node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        props = node.get("properties") or {}
        if seg not in props:
            return None
        node = props[seg]
    return node


def set_description(node, text):
    """Inserts description first among a node's keys so it reads well in the YAML."""
    rest = dict(node)
    node.clear()
    node["description"] = text
    node.update(rest)


def check_structural(node, where, errors):
    if ("type" not in node and not node.get("x-kubernetes-int-or-string")
            and not node.get("x-kubernetes-preserve-unknown-fields")):
        errors.append(f"{where}: schema node without type")
    for kind, key, c in children(node):
        if kind in ("anyOf", "allOf", "oneOf", "not"):
            continue  # value validations inside int-or-string need no own type
        check_structural(c, where + ("." + key if key else "[]"), errors)


def build(src_dir):
    upstream_texts = set()
    manifests = {}
    errors = []
    for name, source in INPUTS:
        path = name if os.path.isabs(name) else os.path.join(src_dir, name)
        with open(path, encoding="utf-8") as f:
            crd = yaml.safe_load(f)
        spec = crd["spec"]
        kind = spec["names"]["kind"]
        table = DESCRIPTIONS[kind]
        used = set()
        for col_holder in spec["versions"]:
            root = col_holder["schema"]["openAPIV3Schema"]
            collect_descriptions(root, upstream_texts)
            strip_descriptions(root)
            for col in col_holder.get("additionalPrinterColumns") or []:
                if "description" in col:
                    upstream_texts.add(normalize(col.pop("description")))
                text = COLUMN_DESCRIPTIONS.get((kind, col["name"]))
                if text:
                    col["description"] = text
            for p, text in table.items():
                node = resolve(root, p)
                if node is not None:
                    set_description(node, text)
                    used.add(p)
            check_structural(root, f"{kind}/{col_holder['name']}", errors)
        for p in sorted(set(table) - used):
            errors.append(f"{kind}: description path {p!r} matches no field")
        meta = crd["metadata"]
        ann = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in DROP_ANNOTATIONS}
        ann["flotilla.dev/schema-source"] = source
        meta["annotations"] = ann
        if not meta.get("labels"):
            meta.pop("labels", None)
        storage = [v["name"] for v in spec["versions"] if v.get("storage")]
        if len(storage) != 1:
            errors.append(f"{kind}: expected one storage version, got {storage}")
        if meta["name"] != f"{spec['names']['plural']}.{spec['group']}":
            errors.append(f"{kind}: name {meta['name']} is not <plural>.<group>")
        out_name = f"{spec['group']}_{spec['names']['plural']}.yaml"
        manifests[out_name] = (crd, source)
    ours = set()
    for table in DESCRIPTIONS.values():
        ours.update(normalize(t) for t in table.values())
    ours.update(normalize(t) for t in COLUMN_DESCRIPTIONS.values())
    for t in sorted(ours & upstream_texts):
        errors.append(f"description copies upstream text: {t!r}")
    for t in sorted(ours):
        if not t.endswith(".") or "\n" in t:
            errors.append(f"description is not one plain sentence: {t!r}")
    if errors:
        sys.exit("gen-crds: " + "\n  ".join(errors))
    return manifests


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # indent list items under their key


def render(crd, source):
    header = (
        "# Generated by hack/gen-crds.py; do not edit by hand.\n"
        f"# Schema facts follow {source} (Apache License 2.0).\n"
        "# Descriptions are Flotilla's own.\n"
    )
    body = yaml.dump(crd, Dumper=Dumper, sort_keys=False, default_flow_style=False,
                     width=100000, allow_unicode=True)
    return header + body


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    src_dir = args[0] if args else DEFAULT_SRC
    manifests = build(src_dir)
    stale = []
    if not check:
        os.makedirs(OUT_DIR, exist_ok=True)
    for out_name, (crd, source) in manifests.items():
        text = render(crd, source)
        out_path = os.path.join(OUT_DIR, out_name)
        if check:
            try:
                with open(out_path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(out_name)
            except FileNotFoundError:
                stale.append(out_name)
        else:
            with open(out_path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(out_path, ROOT)}")
    if stale:
        sys.exit("gen-crds: out of date: " + ", ".join(stale))


if __name__ == "__main__":
    main(sys.argv[1:])
