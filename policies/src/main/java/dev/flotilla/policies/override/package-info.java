/**
 * Per-cluster customisation of resource templates by ClusterOverridePolicies and OverridePolicies,
 * applied in Karmada's order (pkg/util/overridemanager). Entry point: {@link
 * dev.flotilla.policies.override.Overrides}.
 */
package dev.flotilla.policies.override;
