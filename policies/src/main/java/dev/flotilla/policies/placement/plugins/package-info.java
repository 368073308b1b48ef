/** Karmada's in-tree scheduling plugins, one class each. */
package dev.flotilla.policies.placement.plugins;
