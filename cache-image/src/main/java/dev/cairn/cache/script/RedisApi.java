package dev.cairn.cache.script;

import dev.cairn.cache.server.Command;
import dev.cairn.cache.server.ConnectionCommands;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code redis} table scripts see, with Redis 7.0's functions and their exact error texts:
 * call, pcall, log and the LOG_* levels, setresp, sha1hex, error_reply, status_reply, set_repl and
 * the REPL_* flags, acl_check_cmd, REDIS_VERSION and REDIS_VERSION_NUM; for EVAL also
 * replicate_commands, breakpoint and debug (no-ops outside the debugger, which Cairn does not
 * have); for a library being loaded only register_function, log and the version. Also the
 * deterministic {@code math.random} Redis substitutes (its lrand48).
 */
final class RedisApi {
  private static final Logger log = LoggerFactory.getLogger("dev.cairn.cache.script.lua");
  static final int REPL_AOF = 1;
  static final int REPL_REPLICA = 2;
  static final int REPL_ALL = REPL_AOF | REPL_REPLICA;

  private final Scripting scripting;
  private final Rand48 rand = new Rand48();

  RedisApi(Scripting scripting) {
    this.scripting = scripting;
  }

  /** The full API: EVAL's ({@code eval}) or the one functions call at run time. */
  LuaTable table(boolean eval) {
    LuaTable t = new ReadonlyTable();
    t.rawset("call", new Call(true));
    t.rawset("pcall", new Call(false));
    logging(t);
    t.rawset("setresp", new SetResp());
    t.rawset("sha1hex", new Sha1Hex());
    t.rawset("error_reply", new ErrorReply());
    t.rawset("status_reply", new StatusReply());
    t.rawset("set_repl", new SetRepl());
    t.rawset("REPL_NONE", LuaValue.valueOf(0));
    t.rawset("REPL_AOF", LuaValue.valueOf(REPL_AOF));
    t.rawset("REPL_SLAVE", LuaValue.valueOf(REPL_REPLICA));
    t.rawset("REPL_REPLICA", LuaValue.valueOf(REPL_REPLICA));
    t.rawset("REPL_ALL", LuaValue.valueOf(REPL_ALL));
    t.rawset("acl_check_cmd", new AclCheck());
    if (eval) {
      t.rawset("replicate_commands", constant(LuaValue.TRUE));
      t.rawset("breakpoint", constant(LuaValue.FALSE));
      t.rawset("debug", constant(LuaValue.NONE));
    }
    return t;
  }

  /** What a library's top-level code sees as {@code redis} while FUNCTION LOAD runs it. */
  LuaTable loadTable() {
    LuaTable t = new ReadonlyTable();
    t.rawset("register_function", new RegisterFunction());
    logging(t);
    return t;
  }

  private static void logging(LuaTable t) {
    t.rawset("log", new Log());
    t.rawset("LOG_DEBUG", LuaValue.valueOf(0));
    t.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
    t.rawset("LOG_NOTICE", LuaValue.valueOf(2));
    t.rawset("LOG_WARNING", LuaValue.valueOf(3));
    String v = ConnectionCommands.REDIS_VERSION;
    String[] parts = v.split("\\.");
    int num =
        (Integer.parseInt(parts[0]) << 16)
            | (Integer.parseInt(parts[1]) << 8)
            | Integer.parseInt(parts[2]);
    t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(num));
    t.rawset("REDIS_VERSION", LuaValue.valueOf(v));
  }

  private static LuaValue constant(LuaValue v) {
    return new ZeroArgFunction() {
      @Override
      public LuaValue call() {
        return v;
      }
    };
  }

  private ScriptRun require(String what) {
    ScriptRun r = scripting.current();
    if (r == null) {
      throw Errors.raise(what + " can only be called inside a script invocation");
    }
    return r;
  }

  /**
   * Command arguments from Lua values: strings as they are, numbers as C's "%.17g" (Lua's own
   * conversion would lose precision); null if an argument is neither.
   */
  static byte[][] argv(Varargs args) {
    int n = args.narg();
    byte[][] argv = new byte[n][];
    for (int i = 0; i < n; i++) {
      LuaValue v = args.arg(i + 1);
      if (v.type() == LuaValue.TNUMBER) {
        double d = v.todouble();
        argv[i] =
            (d == Math.rint(d) && Math.abs(d) < 1e17
                    ? (d == 0 && 1 / d < 0 ? "-0" : Long.toString((long) d))
                    : CFormat.g(d, 17, false, false))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      } else if (v.type() == LuaValue.TSTRING) {
        argv[i] = LuaToReply.bytes((LuaString) v);
      } else {
        return null;
      }
    }
    return argv;
  }

  /** redis.call (raises errors) and redis.pcall (returns them as {err=...}). */
  private final class Call extends VarArgFunction {
    private final boolean raise;

    Call(boolean raise) {
      this.raise = raise;
    }

    @Override
    public Varargs invoke(Varargs args) {
      ScriptRun r = require("redis.call/pcall");
      LuaValue result;
      if (args.narg() == 0) {
        result = Errors.of("Please specify at least one argument for this redis lib call");
      } else {
        byte[][] argv = argv(args);
        result =
            argv == null
                ? Errors.of("Lua redis lib command arguments must be strings or integers")
                : scripting.command(r, argv);
      }
      if (raise && result.istable() && result.rawget(Errors.ERR).isstring()) {
        throw new LuaError(result);
      }
      return result;
    }
  }

  private static final class Log extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      int argc = args.narg();
      if (argc < 2) {
        throw Errors.raise("redis.log() requires two arguments or more.");
      }
      if (!args.arg1().isnumber()) {
        throw Errors.raise("First argument must be a number (log level).");
      }
      int level = args.arg1().toint();
      if (level < 0 || level > 3) {
        throw Errors.raise("Invalid debug level.");
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 2; i <= argc; i++) {
        LuaValue v = args.arg(i);
        if (v.isstring()) {
          if (sb.length() > 0 || i > 2) {
            sb.append(' ');
          }
          sb.append(LuaToReply.text(v));
        }
      }
      String line = sb.toString();
      switch (level) {
        case 0 -> log.debug("{}", line);
        case 1 -> log.debug("{}", line);
        case 2 -> log.info("{}", line);
        default -> log.warn("{}", line);
      }
      return LuaValue.NONE;
    }
  }

  private final class SetResp extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      ScriptRun r = require("redis.setresp");
      if (args.narg() != 1) {
        throw Errors.raise("redis.setresp() requires one argument.");
      }
      int resp = (int) args.arg1().optdouble(0);
      if (resp != 2 && resp != 3) {
        throw Errors.raise("RESP version must be 2 or 3.");
      }
      r.resp = resp;
      return LuaValue.NONE;
    }
  }

  private final class SetRepl extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      ScriptRun r = require("redis.set_repl");
      if (args.narg() != 1) {
        throw Errors.raise("redis.set_repl() requires two arguments.");
      }
      int flags = (int) args.arg1().optdouble(0);
      if ((flags & ~REPL_ALL) != 0) {
        throw Errors.raise(
            "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
      }
      r.repl = flags;
      return LuaValue.NONE;
    }
  }

  private static final class Sha1Hex extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      if (args.narg() != 1) {
        throw Errors.raise("wrong number of arguments");
      }
      LuaValue v = args.arg1();
      byte[] b = v.isstring() ? LuaToReply.bytes(v.checkstring()) : new byte[0];
      return LuaValue.valueOf(EvalScripts.sha1hex(b));
    }
  }

  private static final class ErrorReply extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
        return Errors.of("wrong number or type of arguments");
      }
      String err = LuaToReply.text(args.arg1());
      return Errors.table(err.startsWith("-") ? err.substring(1) : err);
    }
  }

  private static final class StatusReply extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
        return Errors.of("wrong number or type of arguments");
      }
      LuaTable t = new LuaTable(0, 1);
      t.rawset("ok", args.arg1());
      return t;
    }
  }

  private final class AclCheck extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      require("redis.acl_check_cmd");
      byte[][] argv = args.narg() == 0 ? null : argv(args);
      if (argv == null) {
        throw Errors.raise(
            args.narg() == 0
                ? "Please specify at least one argument for this redis lib call"
                : "Lua redis lib command arguments must be strings or integers");
      }
      Command cmd = scripting.server.commands.lookup(argv[0]);
      if (cmd == null) {
        throw Errors.raise("Invalid command passed to redis.acl_check_cmd()");
      }
      String denied = scripting.server.acl.check(scripting.client.user(), cmd, argv);
      return LuaValue.valueOf(denied == null);
    }
  }

  private final class RegisterFunction extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      scripting.functions.register(args);
      return LuaValue.NONE;
    }
  }

  // ---- math.random: Redis's lrand48, so a seed gives the same numbers as in Redis ----

  LuaValue random() {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        if (scripting.current() == null) {
          throw new LuaError("math.random can only be called inside a script invocation");
        }
        double r = (double) (rand.next() % Rand48.MAX) / (double) Rand48.MAX;
        return switch (args.narg()) {
          case 0 -> LuaValue.valueOf(r);
          case 1 -> {
            int u = args.checkint(1);
            if (u < 1) {
              throw NamedFunction.badArgument("random", 1, "interval is empty");
            }
            yield LuaValue.valueOf(Math.floor(r * u) + 1);
          }
          case 2 -> {
            int l = args.checkint(1);
            int u = args.checkint(2);
            if (l > u) {
              throw NamedFunction.badArgument("random", 2, "interval is empty");
            }
            yield LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l);
          }
          default -> throw new LuaError("wrong number of arguments");
        };
      }
    };
  }

  LuaValue randomseed() {
    return new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue seed) {
        if (scripting.current() == null) {
          throw new LuaError("math.randomseed can only be called inside a script invocation");
        }
        rand.seed(seed.checkint());
        return NONE;
      }
    };
  }

  /** Redis's rand.c: the drand48 generator (48-bit LCG), 31-bit results. */
  static final class Rand48 {
    static final long MAX = Integer.MAX_VALUE;
    private long x = 0x1234ABCD330EL;

    void seed(int seed) {
      x = (((long) seed & 0xffffffffL) << 16) | 0x330E;
    }

    long next() {
      x = (x * 0x5DEECE66DL + 0xB) & 0xFFFFFFFFFFFFL;
      return x >>> 17;
    }
  }
}
