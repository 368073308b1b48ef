/**
 * Karmada's resource interpreter: ResourceInterpreterCustomization scripts, the third-party
 * customizations shipped as data, and the built-in rules, in that order of precedence. The Lua
 * engine and its sandbox are in {@code lua}.
 */
package dev.flotilla.policies.interpreter;
