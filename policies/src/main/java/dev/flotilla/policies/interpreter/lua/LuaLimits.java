package dev.flotilla.policies.interpreter.lua;

/**
 * What one script call may use: Lua VM instructions, wall-clock time, and bytes allocated by the
 * calling thread (HotSpot's per-thread allocation counter, checked with the instruction count).
 */
public record LuaLimits(long maxInstructions, long maxMillis, long maxAllocatedBytes) {

  /** The hub's and the agent's defaults: ten million instructions, 2 s, 64 MiB. */
  public static final LuaLimits DEFAULT = new LuaLimits(10_000_000, 2_000, 64L << 20);
}
