/**
 * Which objects a selector picks: label selectors, resource selectors, cluster affinities, and the
 * choice of the propagation policy that governs a resource template.
 */
package dev.flotilla.policies.matching;
