/**
 * What Karmada's default resource interpreter says about member objects: their health, the status
 * reflected into a Work, and the status aggregated back onto the template.
 */
package dev.flotilla.policies.status;
