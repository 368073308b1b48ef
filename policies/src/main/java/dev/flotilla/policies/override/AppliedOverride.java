package dev.flotilla.policies.override;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One applied rule: the policy's name and the overriders it applied (Karmada's
 * OverridePolicyShadow).
 */
public record AppliedOverride(String policyName, JsonNode overriders) {}
