/**
 * Karmada's naming rules and the label, annotation and taint keys Flotilla shares with Karmada
 * users.
 */
package dev.flotilla.policies.names;
