/**
 * JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) over Jackson trees, for the hub's PATCH
 * requests and for the overriders. RFC 6902 is fabric8's maintained zjsonpatch behind {@link
 * dev.flotilla.policies.jsonpatch.JsonPatch}; Karmada's extensions (negative array indexes) are a
 * thin layer in {@code override.OverridePatch}, not a second implementation.
 */
package dev.flotilla.policies.jsonpatch;
