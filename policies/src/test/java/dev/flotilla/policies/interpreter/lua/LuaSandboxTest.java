package dev.flotilla.policies.interpreter.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.LuaValue;

class LuaSandboxTest {
  private final LuaSandbox sandbox = new LuaSandbox(new LuaLimits(2_000_000, 30_000, 32L << 20));

  private String fails(String body) {
    String script = "function F(x)\n" + body + "\nend";
    return assertThrows(ScriptException.class, () -> sandbox.call(script, "F", LuaValue.NIL))
        .getMessage();
  }

  @Test
  void runsAPlainFunction() {
    assertEquals(
        42,
        sandbox.call("function F(a, b) return a * b end", "F", valueOf(6), valueOf(7)).toint(1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "return os.execute('touch /tmp/flotilla-lua-escape')",
        "return io.open('/etc/passwd')",
        "return luajava.bindClass('java.lang.Runtime')",
        "return debug.sethook()",
        "return coroutine.create(function() end)",
        "return package.loadlib('x', 'y')",
      })
  void theDangerousLibrariesAreAbsent(String body) {
    assertTrue(fails(body).contains("attempt to index"), body);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dofile",
        "loadfile",
        "load",
        "loadstring",
        "setmetatable",
        "getmetatable",
        "rawset",
        "collectgarbage"
      })
  void removedBaseFunctionsSaySo(String name) {
    String message = fails("return " + name + "('x')");
    assertTrue(message.contains(name + " is not available"), message);
  }

  @Test
  void requireGivesOnlyKube() {
    assertTrue(fails("return require('os')").contains("may require only \"kube\""));
    assertTrue(fails("return require('io')").contains("may require only \"kube\""));
    LuaValue kube = sandbox.call("function F() return require('kube') end", "F").arg1();
    assertTrue(kube.get("accuratePodRequirements").isfunction());
  }

  @Test
  void bytecodeIsNeverLoaded() {
    assertThrows(ScriptException.class, () -> sandbox.call("\u001bLua\u0052\u0000garbage", "F"));
    String message = fails("return string.dump(F)");
    assertTrue(message.contains("string.dump is not available"), message);
  }

  @Test
  void stringRepBombIsRefused() {
    assertTrue(fails("return string.rep('x', 1e10)").contains("exceeds"));
    assertTrue(fails("return ('x'):rep(1e9)").contains("exceeds"));
    assertEquals(
        "a,a,a", sandbox.call("function F() return ('a'):rep(3, ',') end", "F").tojstring(1));
  }

  @Test
  void infiniteLoopStopsAtTheInstructionLimit() {
    assertTrue(fails("while true do end").contains("instructions"));
  }

  @Test
  void pcallCannotSwallowALimit() {
    assertTrue(
        fails("while true do pcall(function() while true do end end) end")
            .contains("instructions"));
  }

  @Test
  void growingAStringOrTableStopsAtTheAllocationLimit() {
    String message = fails("local s = string.rep('x', 1048576) while true do s = s .. s end");
    assertTrue(message.contains("allocated more than"), message);
    assertTrue(
        fails("local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end")
            .matches("(?s).*(allocated more than|instructions).*"));
  }

  @Test
  void timeLimitIsWallClock() {
    LuaSandbox quick = new LuaSandbox(new LuaLimits(Long.MAX_VALUE, 50, Long.MAX_VALUE));
    ScriptException e =
        assertThrows(
            ScriptException.class, () -> quick.call("function F() while true do end end", "F"));
    assertTrue(e.getMessage().contains("longer than 50 ms"), e.getMessage());
  }

  @Test
  void runtimeErrorsCarryTheLuaMessage() {
    assertTrue(fails("error('boom from lua')").contains("boom from lua"));
    assertTrue(
        assertThrows(ScriptException.class, () -> sandbox.call("function F( return end", "F"))
            .getMessage()
            .contains("does not compile"));
    assertTrue(
        assertThrows(ScriptException.class, () -> sandbox.call("x = 1", "GetReplicas"))
            .getMessage()
            .contains("no function GetReplicas"));
  }

  private static LuaValue valueOf(int i) {
    return LuaValue.valueOf(i);
  }
}
