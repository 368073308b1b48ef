/**
 * The {@code /scale} subresource: autoscaling/v1 Scale views of workloads (Deployment, ReplicaSet,
 * StatefulSet, ReplicationController) and of custom resources whose CRD declares {@code
 * subresources.scale}, read with GET and changed, replicas only, with PUT and PATCH.
 */
package dev.flotilla.apiserver.scale;
