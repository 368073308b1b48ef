/**
 * The pull-mode member agent, Karmada's karmada-agent: {@link dev.flotilla.agent.MemberAgent}
 * started with an {@link dev.flotilla.agent.AgentConfig} registers the member as a Cluster on the
 * hub ({@code registration}), renews its lease ({@code heartbeat}), reports Cluster status ({@code
 * status}) and applies the hub's Works to the member ({@code execution}). The launcher only wires;
 * everything here can be started by a test against two API servers.
 */
package dev.flotilla.agent;
