/**
 * Simulated member clusters (kwok-like), so the federation runs on a laptop without Docker.
 *
 * <p>{@link dev.flotilla.sim.SimulatedMember} is one member: a hub-apiserver instance (without
 * Flotilla's CRDs) plus a {@link dev.flotilla.sim.WorkloadSimulator} that works in-process on the
 * member's storage. {@link dev.flotilla.sim.SimulatedFleet} starts member1..N with distinct
 * regions, zones and address ranges ({@link dev.flotilla.sim.MemberCluster}).
 *
 * <p>Subpackages, one per simulated controller family: {@code engine} (queue, event hub, reads and
 * writes), {@code nodes}, {@code pods} (scheduler and kubelet), {@code services} (ClusterIP and
 * NodePort admission), {@code workloads} (Deployments, ReplicaSets, StatefulSets, DaemonSets) and
 * {@code endpoints} (EndpointSlices and Endpoints). Desired objects are pure functions ({@code
 * *Shapes}, {@code *Statuses}); controllers only read, compare and write.
 *
 * <p>Simplifications: a rollout replaces all pods at once (new ReplicaSet at full size, old ones
 * scaled to zero); pods run the moment they are created; resources and taints do not affect
 * scheduling; one EndpointSlice per Service; no PersistentVolumeClaims, Jobs or load-balancer
 * ingress.
 */
package dev.flotilla.sim;
