/**
 * The cluster lease in hub namespace {@code karmada-cluster} that tells the hub the agent lives.
 */
package dev.flotilla.agent.heartbeat;
