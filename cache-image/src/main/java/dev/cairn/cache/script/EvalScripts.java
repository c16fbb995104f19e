package dev.cairn.cache.script;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EVAL, EVALSHA, their _RO forms and SCRIPT: the script cache (SHA1 of the body → compiled function
 * and its shebang flags) and the EVAL engine. A script is compiled once, the first time EVAL or
 * SCRIPT LOAD sees its body; SCRIPT FLUSH drops them all with a fresh interpreter, as Redis does.
 */
public final class EvalScripts {
  private static final Logger log = LoggerFactory.getLogger(EvalScripts.class);
  private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

  /** A cached script. */
  private record Script(byte[] body, ScriptFlags flags, LuaFunction function) {}

  private final Scripting scripting;
  private final Map<String, Script> scripts = new LinkedHashMap<>();
  LuaEngine engine;

  EvalScripts(Scripting scripting) {
    this.scripting = scripting;
    this.engine = new LuaEngine(scripting.api, false);
  }

  public int size() {
    return scripts.size();
  }

  /** Bytes of script bodies held (INFO's used_memory_scripts_eval). */
  public long bodyBytes() {
    return scripts.values().stream().mapToLong(s -> s.body().length + 40).sum();
  }

  // ---- commands ----

  public static void eval(Client c, byte[][] argv) {
    c.server.scripting.eval.run(c, argv, false, false);
  }

  public static void evalRo(Client c, byte[][] argv) {
    c.server.scripting.eval.run(c, argv, false, true);
  }

  public static void evalsha(Client c, byte[][] argv) {
    c.server.scripting.eval.run(c, argv, true, false);
  }

  public static void evalshaRo(Client c, byte[][] argv) {
    c.server.scripting.eval.run(c, argv, true, true);
  }

  public static void script(Client c, byte[][] argv) {
    EvalScripts self = c.server.scripting.eval;
    String sub = Args.lower(argv[1]);
    if (c.server.scripting.busy() && !sub.equals("kill")) {
      throw new CommandError(c.server.scripting.busyError());
    }
    switch (sub) {
      case "load" -> {
        if (argv.length != 3) {
          throw Args.wrongArgs("script|load");
        }
        c.reply.bulk(self.load(argv[2]));
      }
      case "exists" -> {
        if (argv.length < 3) {
          throw Args.wrongArgs("script|exists");
        }
        c.reply.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
          c.reply.integer(self.scripts.containsKey(Args.lower(argv[i])) ? 1 : 0);
        }
      }
      case "flush" -> {
        if (argv.length > 3
            || argv.length == 3 && !Args.is(argv[2], "sync") && !Args.is(argv[2], "async")) {
          throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        self.flush();
        c.reply.ok();
      }
      case "kill" -> {
        if (argv.length != 2) {
          throw Args.wrongArgs("script|kill");
        }
        c.server.scripting.kill(c, true);
      }
      case "debug" -> throw new CommandError("ERR SCRIPT DEBUG is not supported by Cairn");
      case "help" -> help(c);
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(argv[1]) + "'. Try SCRIPT HELP.");
    }
  }

  private static void help(Client c) {
    String[] lines = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help."
    };
    c.reply.array(lines.length);
    for (String l : lines) {
      c.reply.simple(l);
    }
  }

  // ---- the cache ----

  /** SCRIPT LOAD: compiles (once) and returns the SHA1. */
  String load(byte[] body) {
    String sha = sha1hex(body);
    if (!scripts.containsKey(sha)) {
      create(sha, body);
    }
    return sha;
  }

  private Script create(String sha, byte[] body) {
    ScriptFlags flags;
    try {
      flags = ScriptFlags.ofBody(body);
    } catch (ScriptException e) {
      throw new CommandError(e.getMessage());
    }
    LuaFunction f;
    try {
      // the shebang line is skipped but its newline kept, so line numbers stay the user's
      f = engine.compile(body, flags.shebangLength(), "user_script");
    } catch (LuaError e) {
      throw new CommandError(
          "ERR Error compiling script (new function): " + Errors.lua51(e.getMessage()));
    }
    Script s = new Script(body, flags, f);
    scripts.put(sha, s);
    return s;
  }

  void flush() {
    log.info("cache SCRIPT FLUSH: {} scripts dropped", scripts.size());
    scripts.clear();
    engine = new LuaEngine(scripting.api, false);
  }

  private void run(Client c, byte[][] argv, boolean bySha, boolean readOnly) {
    long numkeys = Args.toLong(argv[2]);
    if (numkeys > argv.length - 3) {
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    }
    if (numkeys < 0) {
      throw new CommandError("ERR Number of keys can't be negative");
    }
    c.server.feedMonitors(c, argv);
    Script s;
    String sha;
    if (bySha) {
      sha = argv[1].length == 40 ? Args.str(argv[1]).toLowerCase(Locale.ROOT) : null;
      s = sha == null ? null : scripts.get(sha);
      if (s == null) {
        throw new CommandError(NOSCRIPT);
      }
    } else {
      sha = sha1hex(argv[1]);
      s = scripts.get(sha);
      if (s == null) {
        s = create(sha, argv[1]);
      }
    }
    scripting.checkRunnable(s.flags(), readOnly);
    ScriptRun r = scripting.newRun(c, argv, sha, true, s.flags(), readOnly);
    int n = (int) numkeys;
    engine.setGlobal("KEYS", Scripting.array(argv, 3, n));
    engine.setGlobal("ARGV", Scripting.array(argv, 3 + n, argv.length - 3 - n));
    scripting.call(engine, r, s.function());
  }

  static String sha1hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
