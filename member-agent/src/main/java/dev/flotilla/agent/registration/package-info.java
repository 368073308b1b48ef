/**
 * Registration of the member as a {@code cluster.karmada.io/v1alpha1} Cluster in Pull mode. Only
 * the fields the agent owns are written (a merge patch), so spec fields an admin set, such as
 * taints, survive every restart of the agent.
 */
package dev.flotilla.agent.registration;
