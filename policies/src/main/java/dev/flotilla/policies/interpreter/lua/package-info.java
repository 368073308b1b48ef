/**
 * The Lua side of the interpreter: a LuaJ sandbox with per-call limits ({@link
 * dev.flotilla.policies.interpreter.lua.LuaSandbox} says what is enforced), Karmada's JSON to Lua
 * conversion, and the {@code kube} module.
 */
package dev.flotilla.policies.interpreter.lua;
