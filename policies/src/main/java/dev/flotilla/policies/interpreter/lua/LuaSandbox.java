package dev.flotilla.policies.interpreter.lua;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs one function of a customization script in a fresh, locked-down LuaJ state.
 *
 * <p>What a script gets: the base library without dofile, loadfile, load, loadstring, rawget,
 * rawset, rawequal, getmetatable, setmetatable, collectgarbage and print; string (with a bounded
 * {@code rep} and no {@code dump}), table and math; and {@code require("kube")}, the only module.
 * No io, os, luajava, coroutine, debug or package, and chunks are compiled from text only, so no
 * bytecode is ever loaded.
 *
 * <p>What is enforced per call, from an instruction hook that runs every {@value #CHECK_EVERY}
 * instructions: {@link LuaLimits#maxInstructions()}, wall-clock {@link LuaLimits#maxMillis()} and
 * {@link LuaLimits#maxAllocatedBytes()} (bytes the calling thread allocated since the call began,
 * which bounds table and string growth between two checks to what the interpreter can do in a few
 * instructions; a single {@code string.rep} is bounded on its own). Once a limit is hit every
 * further instruction fails, so {@code pcall} cannot swallow it. Memory a script allocates inside
 * one library call (a huge {@code table.concat} of an already-built table) is counted only after
 * that call returns.
 */
public final class LuaSandbox {
  static final int CHECK_EVERY = 4;

  /** The longest string one {@code string.rep} call may build. */
  public static final int MAX_REP_BYTES = 1 << 20;

  private static final String[] REMOVED = {
    "dofile",
    "loadfile",
    "load",
    "loadstring",
    "rawget",
    "rawset",
    "rawequal",
    "rawlen",
    "getmetatable",
    "setmetatable",
    "collectgarbage",
    "getfenv",
    "setfenv",
    "module",
    "newproxy"
  };
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final Map<String, Prototype> COMPILED =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prototype> eldest) {
          return size() > 256;
        }
      };

  /**
   * The string library every script sees a copy of. LuaJ keeps the metatable of strings in one
   * static field, so ("x"):rep(n) reaches this master whatever a script does to its own copy; it is
   * built once, patched, and no script can reach it to change it (getmetatable is gone).
   */
  private static final LuaTable STRING = patchedStringLibrary();

  private final LuaLimits limits;

  public LuaSandbox(LuaLimits limits) {
    this.limits = limits;
  }

  public LuaLimits limits() {
    return limits;
  }

  /**
   * Loads {@code script}, then calls its global {@code function} with {@code args}.
   *
   * @throws ScriptException on a compile error, a runtime error, a limit, or a missing function
   */
  public Varargs call(String script, String function, LuaValue... args) {
    Prototype prototype = compile(script);
    Globals globals = new Globals();
    Limiter limiter = new Limiter(limits);
    install(globals, limiter);
    try {
      new LuaClosure(prototype, globals).call();
      LuaValue fn = globals.get(function);
      if (fn.isnil()) {
        throw new ScriptException("the script defines no function " + function);
      }
      if (!fn.isfunction()) {
        throw new ScriptException(function + " is not a function but a " + fn.typename());
      }
      return fn.invoke(LuaValue.varargsOf(args));
    } catch (LimitExceeded e) {
      throw new ScriptException(e.getMessage());
    } catch (LuaError e) {
      throw new ScriptException(e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      throw new ScriptException("the script ran out of memory");
    } catch (StackOverflowError e) {
      throw new ScriptException("stack overflow (recursion too deep)");
    } catch (ScriptException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ScriptException(e.toString(), e);
    }
  }

  /** Why {@code script} does not compile, or empty when it does (nothing is run). */
  public static java.util.Optional<String> compileError(String script) {
    try {
      LuaC.instance.compile(
          new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), "script");
      return java.util.Optional.empty();
    } catch (LuaError | IOException e) {
      return java.util.Optional.of(String.valueOf(e.getMessage()));
    }
  }

  private Prototype compile(String script) {
    synchronized (COMPILED) {
      Prototype p = COMPILED.get(script);
      if (p != null) {
        return p;
      }
    }
    Prototype p;
    try {
      // From text only: LuaC never reads a binary chunk, and no undumper is installed.
      p =
          LuaC.instance.compile(
              new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), "script");
    } catch (LuaError | IOException e) {
      throw new ScriptException("the script does not compile: " + e.getMessage(), e);
    }
    synchronized (COMPILED) {
      COMPILED.put(script, p);
    }
    return p;
  }

  private void install(Globals g, Limiter limiter) {
    g.load(new BaseLib());
    // Libraries register themselves in package.loaded; the package library goes right after.
    g.load(new PackageLib());
    g.load(new TableLib());
    g.load(new JseMathLib());
    g.load(limiter);
    g.set("debug", LuaValue.NIL);
    g.set("package", LuaValue.NIL);
    for (String name : REMOVED) {
      g.set(name, refused(name));
    }
    g.set("print", new VarArgFunction() {});
    g.set("string", copy(STRING));
    LuaValue kube = KubeLibrary.create();
    g.set(
        "require",
        new OneArgFunction() {
          @Override
          public LuaValue call(LuaValue name) {
            if ("kube".equals(name.checkjstring())) {
              return kube;
            }
            throw new LuaError(
                "module '"
                    + name.tojstring()
                    + "' not found: a resource interpreter script may require only \"kube\"");
          }
        });
  }

  private static LuaTable patchedStringLibrary() {
    Globals scratch = new Globals();
    scratch.load(new BaseLib());
    scratch.load(new PackageLib());
    scratch.load(new StringLib());
    LuaTable string = (LuaTable) scratch.get("string");
    string.set("dump", refused("string.dump"));
    string.set("rep", new BoundedRep(MAX_REP_BYTES));
    LuaString.s_metatable = LuaValue.tableOf(new LuaValue[] {LuaValue.INDEX, string});
    return string;
  }

  private static LuaTable copy(LuaTable table) {
    LuaTable out = new LuaTable();
    for (Varargs e = table.next(LuaValue.NIL); !e.arg1().isnil(); e = table.next(e.arg1())) {
      out.rawset(e.arg1(), e.arg(2));
    }
    return out;
  }

  private static LuaValue refused(String what) {
    String message = what + " is not available in a resource interpreter script";
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        throw new LuaError(message);
      }
    };
  }

  /** Thrown past pcall (an Error, which LuaJ's pcall does not catch) when a limit is reached. */
  private static final class LimitExceeded extends Error {
    LimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** Counts instructions and checks time and allocation; the debug library's hook entry point. */
  private static final class Limiter extends DebugLib {
    private final LuaLimits limits;
    private final long startNanos = System.nanoTime();
    private final long startBytes = THREADS.getCurrentThreadAllocatedBytes();
    private long instructions;
    private String exceeded;

    Limiter(LuaLimits limits) {
      this.limits = limits;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
      if (exceeded != null) {
        throw new LimitExceeded(exceeded);
      }
      if (++instructions % CHECK_EVERY != 0) {
        return;
      }
      if (instructions > limits.maxInstructions()) {
        exceeded = "the script ran more than " + limits.maxInstructions() + " instructions";
      } else if (System.nanoTime() - startNanos > limits.maxMillis() * 1_000_000L) {
        exceeded = "the script ran longer than " + limits.maxMillis() + " ms";
      } else if (THREADS.getCurrentThreadAllocatedBytes() - startBytes
          > limits.maxAllocatedBytes()) {
        exceeded = "the script allocated more than " + limits.maxAllocatedBytes() + " bytes";
      }
      if (exceeded != null) {
        throw new LimitExceeded(exceeded);
      }
    }
  }

  /** string.rep that refuses results longer than the limit before allocating them. */
  private static final class BoundedRep extends VarArgFunction {
    private final int max;

    BoundedRep(int max) {
      this.max = max;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      long n = args.checklong(2);
      LuaString sep = args.optstring(3, LuaValue.EMPTYSTRING);
      if (n <= 0) {
        return LuaValue.EMPTYSTRING;
      }
      long length = s.length() * n + sep.length() * (n - 1);
      if (length > max) {
        throw new LuaError("string.rep result of " + length + " bytes exceeds " + max);
      }
      byte[] out = new byte[(int) length];
      int at = 0;
      for (long i = 0; i < n; i++) {
        if (i > 0) {
          sep.copyInto(0, out, at, sep.length());
          at += sep.length();
        }
        s.copyInto(0, out, at, s.length());
        at += s.length();
      }
      return LuaString.valueUsing(out);
    }
  }
}
