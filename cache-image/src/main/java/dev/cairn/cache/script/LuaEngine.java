package dev.cairn.cache.script;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua interpreter with the environment Redis 7.0 gives scripts, in one of two forms as in
 * Redis: the EVAL engine (KEYS and ARGV are globals) and the FUNCTION engine (functions get keys
 * and args as parameters; a library's top-level code sees only {@code redis.register_function},
 * {@code redis.log} and the version fields).
 *
 * <p>The environment, as Redis builds it (script_lua.c): Lua 5.1's base functions less {@code
 * print}, {@code dofile}, {@code loadfile} and the debug library; {@code string}, {@code table},
 * {@code math}, {@code coroutine}; {@code cjson}, {@code cmsgpack}, {@code bit}, {@code struct};
 * {@code redis}. No {@code os}, {@code io}, {@code package} or {@code require}. Every table
 * reachable from the globals, and the globals themselves, are read-only ("Attempt to modify a
 * readonly table"); reading a global that does not exist is an error ("Script attempted to access
 * nonexistent global variable").
 *
 * <p>LuaJ implements Lua 5.2; the 5.1 functions scripts use ({@code unpack}, {@code loadstring},
 * {@code table.getn}, {@code math.mod}, {@code string.gfind}...) are added and 5.2-only ones
 * ({@code rawlen}, {@code table.pack}, {@code table.unpack}) left out; number formatting and {@code
 * string.format} follow C ({@link CFormat}, {@link LuaStringFormat}).
 *
 * <p>A count of executed instructions calls {@link Interrupt#check} every {@value #CHECK_EVERY}
 * instructions (Redis's count hook), where busy-script handling and SCRIPT KILL happen. Used by the
 * keyspace thread only.
 */
final class LuaEngine {
  /** Instructions between two interrupt checks, as Redis's hook (LUA_MASKCOUNT, 100000). */
  static final int CHECK_EVERY = 100_000;

  /** Called from the running script every {@link #CHECK_EVERY} instructions. */
  interface Interrupt {
    void check();
  }

  /** The globals: Lua's libraries loaded into it, then cut to Redis's allow list and locked. */
  private final ReadonlyTable globals = new ReadonlyTable();

  /** What scripts see as their globals (EVAL: {@link #globals}; FUNCTION: see the class doc). */
  final ReadonlyTable env;

  /** FUNCTION engine: the metatable whose __index switches between load-time API and globals. */
  private final ReadonlyTable functionEnvMeta;

  private final ReadonlyTable loadApi;
  private final ReadonlyTable fullGlobals;
  private final Counter counter = new Counter();

  LuaEngine(RedisApi api, boolean functions) {
    ReadonlyTable g = globals;
    g.load(new BaseLib());
    g.load(new PackageLib());
    g.load(new TableLib());
    g.load(new StringLib());
    g.load(new JseMathLib());
    g.load(new CoroutineLib());
    LoadState.install(g);
    LuaC.install(g);
    g.debuglib = counter;
    // LuaJ appends a traceback to error messages unless an error function is set; this one also
    // brings messages to Lua 5.1's form ("user_script:1: boom")
    g.running.errorfunc = new Lua51Messages();
    // Redis's allow list: what Lua 5.1's libraries define less print, dofile, loadfile, the
    // package library; LuaJ's 5.2 additions out
    for (String name :
        new String[] {"print", "dofile", "loadfile", "require", "package", "rawlen"}) {
      g.rawset(name, LuaValue.NIL);
    }
    g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
    g.rawset("pcall", new Pcall(g.get("pcall")));
    g.rawset("xpcall", new Xpcall(g));
    g.rawset("error", new ErrorFunction());
    g.rawset("unpack", g.get("table").get("unpack"));
    g.rawset("loadstring", new LoadString(g));
    g.rawset("load", new Load(g));
    g.rawset("gcinfo", new GcInfo());
    g.rawset("coroutine", readonlyCopy(g.get("coroutine")));
    g.rawset("table", table(g.get("table")));
    ReadonlyTable string = string(g.get("string"));
    g.rawset("string", string);
    g.rawset("math", math(g.get("math"), api));
    g.rawset("bit", BitLib.create());
    g.rawset("cjson", CjsonLib.create());
    g.rawset("cmsgpack", CmsgpackLib.create());
    g.rawset("struct", StructLib.create());
    g.rawset("redis", api.table(!functions));
    ReadonlyTable stringMeta = new ReadonlyTable();
    stringMeta.rawset(LuaValue.INDEX, string);
    LuaString.s_metatable = stringMeta;
    g.setmetatable(missingGlobalMeta());
    lockAll(g);
    stringMeta.lock();

    if (functions) {
      // Functions run with an empty read-only globals table whose __index is the real globals
      // (or, while a library loads, only the load-time API): as Redis's function engine. It
      // shares the interpreter state (hook, error function, coroutine) of the real globals.
      env = new ReadonlyTable();
      env.running = g.running;
      env.debuglib = counter;
      env.compiler = g.compiler;
      env.loader = g.loader;
      fullGlobals = g;
      loadApi = new ReadonlyTable();
      LuaTable loadRedis = api.loadTable();
      loadRedis.setmetatable(missingGlobalMeta());
      loadApi.rawset("redis", loadRedis);
      loadApi.setmetatable(missingGlobalMeta());
      lockAll(loadApi);
      functionEnvMeta = new ReadonlyTable();
      functionEnvMeta.rawset(LuaValue.INDEX, g);
      env.setmetatable(functionEnvMeta);
      functionEnvMeta.lock();
      env.lock();
    } else {
      env = g;
      fullGlobals = g;
      loadApi = null;
      functionEnvMeta = null;
    }
  }

  /** Compiles a chunk with these globals; a LuaError carries the compiler's message. */
  LuaFunction compile(byte[] code, int offset, String chunkName) {
    try {
      Prototype p =
          globals.compilePrototype(
              new ByteArrayInputStream(code, offset, code.length - offset), "@" + chunkName);
      return new LuaClosure(p, env);
    } catch (IOException e) {
      throw new LuaError(e.getMessage());
    }
  }

  /** Sets a global for EVAL (KEYS, ARGV) through the read-only protection. */
  void setGlobal(String name, LuaValue value) {
    env.setUnlocked(name, value);
  }

  /** FUNCTION engine: a library's top-level code sees only the load-time API. */
  void libraryLoading(boolean loading) {
    functionEnvMeta.setUnlocked("__index", loading ? loadApi : fullGlobals);
  }

  /** From now on, {@code interrupt} is called every {@link #CHECK_EVERY} instructions. */
  void interrupt(Interrupt interrupt) {
    counter.interrupt = interrupt;
    counter.budget = CHECK_EVERY;
  }

  /** After a kill: check at every instruction so pcall cannot swallow the error. */
  void checkEveryInstruction() {
    counter.every = 1;
    counter.budget = 1;
  }

  void resetPosition() {
    counter.reset();
  }

  void stopInterrupts() {
    counter.interrupt = null;
    counter.every = CHECK_EVERY;
  }

  private static ReadonlyTable readonlyCopy(LuaValue source) {
    ReadonlyTable t = new ReadonlyTable();
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = source.next(k);
      if ((k = n.arg1()).isnil()) {
        return t;
      }
      t.rawset(k, n.arg(2));
    }
  }

  private static ReadonlyTable table(LuaValue lib) {
    ReadonlyTable t = readonlyCopy(lib);
    t.rawset("pack", LuaValue.NIL);
    t.rawset("unpack", LuaValue.NIL);
    t.rawset("getn", new Getn());
    t.rawset("maxn", new Maxn());
    t.rawset("setn", new Setn());
    t.rawset("foreach", new Foreach(false));
    t.rawset("foreachi", new Foreach(true));
    return t;
  }

  private static ReadonlyTable string(LuaValue lib) {
    ReadonlyTable s = readonlyCopy(lib);
    s.rawset("gfind", lib.get("gmatch"));
    s.rawset("format", new LuaStringFormat());
    return s;
  }

  private static ReadonlyTable math(LuaValue lib, RedisApi api) {
    ReadonlyTable m = readonlyCopy(lib);
    m.rawset("mod", lib.get("fmod"));
    m.rawset("log10", new Log10());
    m.rawset("random", api.random());
    m.rawset("randomseed", api.randomseed());
    return m;
  }

  private static ReadonlyTable missingGlobalMeta() {
    ReadonlyTable meta = new ReadonlyTable();
    meta.rawset(
        LuaValue.INDEX,
        new TwoArgFunction() {
          @Override
          public LuaValue call(LuaValue table, LuaValue key) {
            throw new LuaError(
                "Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
          }
        });
    return meta;
  }

  /** Locks a table, every table reachable from it and their metatables (Redis's recursion). */
  private static void lockAll(LuaValue v) {
    if (!(v instanceof ReadonlyTable t) || t.locked()) {
      return;
    }
    t.lock();
    LuaValue k = LuaValue.NIL;
    while (true) {
      Varargs n = t.next(k);
      if ((k = n.arg1()).isnil()) {
        break;
      }
      lockAll(n.arg(2));
    }
    lockAll(t.getmetatable());
  }

  /** Where the script was last executing ("user_script:3"), or null. */
  String lastPosition() {
    return counter.lastPosition();
  }

  /**
   * LuaJ's debug hook slot: counts instructions for {@link Interrupt#check}, and keeps the Lua
   * function and instruction last executed. LuaJ runs a tail call ({@code return f(x)}) after the
   * calling function has returned, so an error raised by a library function there carries no
   * position; Lua 5.1 reports the calling line, and so does {@link #lastPosition}.
   */
  private static final class Counter extends DebugLib {
    Interrupt interrupt;
    int every = CHECK_EVERY;
    int budget = CHECK_EVERY;
    private Prototype[] frames = new Prototype[32];
    private int[] pcs = new int[32];
    private int depth;
    private Prototype lastProto;
    private int lastPc;

    @Override
    public void onCall(LuaFunction f) {
      push(null);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
      push(c.p);
    }

    private void push(Prototype p) {
      if (depth == frames.length) {
        frames = java.util.Arrays.copyOf(frames, depth * 2);
        pcs = java.util.Arrays.copyOf(pcs, depth * 2);
      }
      frames[depth] = p;
      pcs[depth++] = 0;
    }

    @Override
    public void onReturn() {
      if (depth > 0) {
        depth--;
        if (frames[depth] != null) {
          lastProto = frames[depth];
          lastPc = pcs[depth];
        }
      }
    }

    String lastPosition() {
      for (int i = depth - 1; i >= 0; i--) {
        if (frames[i] != null) {
          return line(frames[i], pcs[i]);
        }
      }
      return lastProto == null ? null : line(lastProto, lastPc);
    }

    private static String line(Prototype p, int pc) {
      String source = p.source.tojstring();
      int line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? p.lineinfo[pc] : 0;
      return (source.startsWith("@") ? source.substring(1) : source) + ":" + line;
    }

    /** A new run starts with no frames (an error may have left some). */
    void reset() {
      depth = 0;
      lastProto = null;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
      if (depth > 0) {
        pcs[depth - 1] = pc;
      }
      if (--budget <= 0) {
        budget = every;
        Interrupt i = interrupt;
        if (i != null) {
          i.check();
        }
      }
    }
  }

  /** The error function LuaJ calls with a failing chunk's message. */
  private static final class Lua51Messages extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue message) {
      return LuaValue.valueOf(Errors.lua51(message.tojstring()));
    }
  }

  /**
   * Redis 7's pcall: an error raised as a Redis error table comes back as its message string, as
   * older Redis versions returned it.
   */
  private static final class Pcall extends VarArgFunction {
    private final LuaValue pcall;

    Pcall(LuaValue pcall) {
      this.pcall = pcall;
    }

    @Override
    public Varargs invoke(Varargs args) {
      Varargs r = pcall.invoke(args);
      if (!r.arg1().toboolean() && r.arg(2).istable()) {
        LuaValue err = r.arg(2).rawget(Errors.ERR);
        if (err.isstring()) {
          return LuaValue.varargsOf(LuaValue.FALSE, err);
        }
      }
      return r;
    }
  }

  /**
   * xpcall(f, handler): the handler gets the message in Lua 5.1's form, as the error function that
   * normally stands in its place would give it.
   */
  private static final class Xpcall extends VarArgFunction {
    private final Globals globals;

    Xpcall(Globals globals) {
      this.globals = globals;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue f = args.arg1();
      LuaValue handler = args.arg(2);
      org.luaj.vm2.LuaThread t = globals.running;
      LuaValue previous = t.errorfunc;
      t.errorfunc =
          new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue message) {
              return handler.call(LuaValue.valueOf(Errors.lua51(message.tojstring())));
            }
          };
      try {
        return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(LuaValue.NONE));
      } catch (LuaError e) {
        LuaValue m = e.getMessageObject();
        return LuaValue.varargsOf(LuaValue.FALSE, m != null ? m : LuaValue.NIL);
      } finally {
        t.errorfunc = previous;
      }
    }
  }

  /** error(message [, level]): level 0 adds no position, as Lua 5.1. */
  private static final class ErrorFunction extends VarArgFunction {
    ErrorFunction() {
      this.name = "error";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue message = args.arg1();
      int level = args.optint(2, 1);
      if (message.isstring()) {
        throw level == 0
            ? ScriptError.unpositioned(message.tojstring())
            : new LuaError(message.tojstring());
      }
      throw new LuaError(message);
    }
  }

  /** loadstring(s [, name]) and load(f|s [, name]): chunks get the script's globals. */
  private static final class LoadString extends VarArgFunction {
    private final LuaTable env;

    LoadString(LuaTable env) {
      this.env = env;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString code = args.checkstring(1);
      String name = args.optjstring(2, code.tojstring());
      return compile(LuaToReply.bytes(code), name);
    }

    /** The chunk as a function, or nil and the compiler's message; LuaJ names it as Lua 5.1. */
    Varargs compile(byte[] code, String name) {
      try {
        Prototype p = LuaC.instance.compile(new ByteArrayInputStream(code), name);
        return new LuaClosure(p, env);
      } catch (LuaError | IOException e) {
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(Errors.lua51(e.getMessage())));
      }
    }
  }

  /** load(f [, name]): the chunk comes from successive calls of f, or a string (5.2 form). */
  private static final class Load extends VarArgFunction {
    private final LoadString loader;

    Load(LuaTable env) {
      this.loader = new LoadString(env);
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue source = args.arg1();
      if (source.isstring()) {
        return loader.invoke(args);
      }
      LuaFunction f = source.checkfunction();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      while (true) {
        LuaValue piece = f.call();
        if (piece.isnil() || piece.isstring() && piece.rawlen() == 0) {
          break;
        }
        if (!piece.isstring()) {
          return LuaValue.varargsOf(
              LuaValue.NIL, LuaValue.valueOf("reader function must return a string"));
        }
        out.writeBytes(LuaToReply.bytes(piece.checkstring()));
      }
      return loader.compile(out.toByteArray(), args.optjstring(2, "=(load)"));
    }
  }

  private static final class GcInfo extends ZeroArgFunction {
    @Override
    public LuaValue call() {
      Runtime r = Runtime.getRuntime();
      return LuaValue.valueOf((r.totalMemory() - r.freeMemory()) / 1024);
    }
  }

  private static final class Getn extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue t) {
      return LuaValue.valueOf(t.checktable().length());
    }
  }

  private static final class Setn extends TwoArgFunction {
    @Override
    public LuaValue call(LuaValue t, LuaValue n) {
      throw new LuaError("'setn' is obsolete");
    }
  }

  private static final class Maxn extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue t) {
      double max = 0;
      LuaValue k = LuaValue.NIL;
      LuaTable table = t.checktable();
      while (!(k = table.next(k).arg1()).isnil()) {
        if (k.type() == LuaValue.TNUMBER && k.todouble() > max) {
          max = k.todouble();
        }
      }
      return LuaValue.valueOf(max);
    }
  }

  /** table.foreach / table.foreachi: stop at the first non-nil result and return it. */
  private static final class Foreach extends TwoArgFunction {
    private final boolean indexed;

    Foreach(boolean indexed) {
      this.indexed = indexed;
    }

    @Override
    public LuaValue call(LuaValue t, LuaValue f) {
      LuaTable table = t.checktable();
      LuaFunction fn = f.checkfunction();
      if (indexed) {
        int n = table.length();
        for (int i = 1; i <= n; i++) {
          LuaValue r = fn.call(LuaValue.valueOf(i), table.get(i));
          if (!r.isnil()) {
            return r;
          }
        }
        return LuaValue.NIL;
      }
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = table.next(k);
        if ((k = n.arg1()).isnil()) {
          return LuaValue.NIL;
        }
        LuaValue r = fn.call(k, n.arg(2));
        if (!r.isnil()) {
          return r;
        }
      }
    }
  }

  private static final class Log10 extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue x) {
      return LuaValue.valueOf(Math.log10(x.checkdouble()));
    }
  }
}
