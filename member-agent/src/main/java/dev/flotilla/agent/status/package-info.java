/**
 * Cluster status: a {@code MemberObserver} reads the member, the pure {@code ClusterStatusBuilder}
 * turns that into the status, and the controller writes it through the status subresource when it
 * changed. An unreachable member turns Ready False and keeps the last known facts.
 */
package dev.flotilla.agent.status;
