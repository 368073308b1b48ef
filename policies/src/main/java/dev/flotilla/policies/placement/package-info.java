/**
 * Karmada's scheduling as pure functions: filter plugins drop clusters, score plugins rank the
 * rest, spread constraints pick groups, and a replica assignment divides {@code spec.replicas}. See
 * {@link dev.flotilla.policies.placement.Scheduler}.
 */
package dev.flotilla.policies.placement;
