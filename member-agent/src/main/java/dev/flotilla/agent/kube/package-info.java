/**
 * Small client-side building blocks shared by the agent's controllers: the keyed work queue,
 * condition lists, timestamps, JSON helpers and error classification.
 */
package dev.flotilla.agent.kube;
