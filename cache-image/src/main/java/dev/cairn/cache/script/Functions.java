package dev.cairn.cache.script;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Glob;
import dev.cairn.cache.rdb.Crc64;
import dev.cairn.cache.rdb.DumpPayload;
import dev.cairn.cache.rdb.RdbFormat;
import dev.cairn.cache.rdb.RdbInput;
import dev.cairn.cache.rdb.RdbOutput;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis 7.0 functions: libraries loaded with FUNCTION LOAD ({@code #!lua name=<lib>} then code that
 * calls {@code redis.register_function}), called with FCALL / FCALL_RO, listed, deleted, flushed,
 * dumped and restored (the DUMP payload holds each library's code as an RDB {@code FUNCTION2}
 * record, as Redis writes it).
 *
 * <p>All libraries share one interpreter (the FUNCTION engine, separate from EVAL's); a library's
 * top-level code sees only the load-time API and may run for at most {@value #LOAD_TIMEOUT_MS} ms.
 * Function names are unique across libraries.
 */
public final class Functions implements dev.cairn.cache.rdb.FunctionLibraries {
  /** How long a library's top-level code may run (Redis's LOAD_TIMEOUT_MS). */
  static final long LOAD_TIMEOUT_MS = 500;

  private static final int FUNCTION2 = 245;

  /** One registered function. */
  record Function(String name, String description, ScriptFlags flags, LuaFunction code) {}

  /** A library: its name, its full code (with the shebang line) and its functions. */
  record Library(String name, byte[] code, Map<String, Function> functions) {}

  private final Scripting scripting;
  private final LuaEngine engine;
  private final Map<String, Library> libraries = new LinkedHashMap<>();
  // FCALL finds a function whatever the case of its name, as Redis's functions dict
  private final Map<String, Function> functions = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  /** The library whose code is being loaded (redis.register_function adds to it). */
  private Map<String, Function> loading;

  Functions(Scripting scripting) {
    this.scripting = scripting;
    this.engine = new LuaEngine(scripting.api, true);
  }

  public int libraryCount() {
    return libraries.size();
  }

  public int functionCount() {
    return functions.size();
  }

  @Override
  public List<byte[]> codes() {
    return libraries.values().stream().map(Library::code).toList();
  }

  @Override
  public void restore(byte[] code) {
    try {
      load(code, true, 0);
    } catch (ScriptException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  // ---- FCALL ----

  public static void fcall(Client c, byte[][] argv) {
    c.server.scripting.functions.call(c, argv, false);
  }

  public static void fcallRo(Client c, byte[][] argv) {
    c.server.scripting.functions.call(c, argv, true);
  }

  private void call(Client c, byte[][] argv, boolean readOnly) {
    c.server.feedMonitors(c, argv);
    Function f = functions.get(Args.str(argv[1]));
    if (f == null) {
      throw new CommandError("ERR Function not found");
    }
    Long numkeys = Args.tryLong(argv[2]);
    if (numkeys == null) {
      throw new CommandError("ERR Bad number of keys provided");
    }
    if (numkeys > argv.length - 3) {
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    }
    if (numkeys < 0) {
      throw new CommandError("ERR Number of keys can't be negative");
    }
    scripting.checkRunnable(f.flags(), readOnly);
    ScriptRun r = scripting.newRun(c, argv, f.name(), false, f.flags(), readOnly);
    int n = numkeys.intValue();
    scripting.call(
        engine,
        r,
        f.code(),
        Scripting.array(argv, 3, n),
        Scripting.array(argv, 3 + n, argv.length - 3 - n));
  }

  // ---- FUNCTION ----

  public static void function(Client c, byte[][] argv) {
    Functions self = c.server.scripting.functions;
    String sub = Args.lower(argv[1]);
    if (c.server.scripting.busy() && !sub.equals("kill") && !sub.equals("stats")) {
      throw new CommandError(c.server.scripting.busyError());
    }
    switch (sub) {
      case "load" -> self.loadCommand(c, argv);
      case "list" -> self.list(c, argv);
      case "delete" -> {
        if (argv.length != 3) {
          throw Args.wrongArgs("function|delete");
        }
        Library lib = self.libraries.get(Args.str(argv[2]));
        if (lib == null) {
          throw new CommandError("ERR Library not found");
        }
        self.unlink(lib);
        c.reply.ok();
      }
      case "flush" -> {
        if (argv.length > 3
            || argv.length == 3 && !Args.is(argv[2], "sync") && !Args.is(argv[2], "async")) {
          throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        self.libraries.clear();
        self.functions.clear();
        c.reply.ok();
      }
      case "dump" -> {
        if (argv.length != 2) {
          throw Args.wrongArgs("function|dump");
        }
        c.reply.bulk(self.dump(c.server.config().get(CacheConfig.RDBCOMPRESSION)));
      }
      case "restore" -> self.restore(c, argv);
      case "kill" -> {
        if (argv.length != 2) {
          throw Args.wrongArgs("function|kill");
        }
        c.server.scripting.kill(c, false);
      }
      case "stats" -> {
        if (argv.length != 2) {
          throw Args.wrongArgs("function|stats");
        }
        self.stats(c);
      }
      case "help" -> help(c);
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(argv[1]) + "'. Try FUNCTION HELP.");
    }
    if (sub.equals("load")
        || sub.equals("delete")
        || sub.equals("flush")
        || sub.equals("restore")) {
      // the library set changed (a failure threw above): Redis's write subcommands propagate as
      // sent, so the AOF and replicas keep the libraries
      c.server.propagation.also(c.db().id, argv);
    }
  }

  private void loadCommand(Client c, byte[][] argv) {
    if (argv.length < 3) {
      throw Args.wrongArgs("function|load");
    }
    boolean replace = false;
    int i = 2;
    while (i < argv.length - 1) {
      byte[] arg = argv[i++];
      if (Args.is(arg, "replace")) {
        replace = true;
        continue;
      }
      throw new CommandError("ERR Unknown option given: " + Args.str(arg));
    }
    if (i >= argv.length) {
      throw new CommandError("ERR Function code is missing");
    }
    try {
      c.reply.bulk(load(argv[i], replace, LOAD_TIMEOUT_MS));
    } catch (ScriptException e) {
      throw new CommandError("ERR " + e.getMessage());
    }
  }

  /**
   * Compiles a library and links it ({@code replace}: in place of one with the same name); returns
   * its name. Nothing changes if it fails.
   */
  public String load(byte[] code, boolean replace, long timeoutMillis) {
    String text = new String(code, StandardCharsets.UTF_8);
    if (!text.startsWith("#!")) {
      throw new ScriptException("Missing library metadata");
    }
    int eol = text.indexOf('\n');
    if (eol < 0) {
      throw new ScriptException("Invalid library metadata");
    }
    String[] parts = text.substring(0, eol).trim().split("\\s+");
    String engineName = parts[0].substring(2);
    String name = null;
    for (int p = 1; p < parts.length; p++) {
      if (parts[p].regionMatches(true, 0, "name=", 0, 5)) {
        if (name != null) {
          throw new ScriptException(
              "Invalid metadata value, name argument was given multiple times");
        }
        name = parts[p].substring(5);
        continue;
      }
      throw new ScriptException("Invalid metadata value given: " + parts[p]);
    }
    if (name == null) {
      throw new ScriptException("Library name was not given");
    }
    if (!validName(name)) {
      throw new ScriptException(
          "Library names can only contain letters, numbers, or underscores(_) and must be at least"
              + " one character long");
    }
    if (!engineName.equalsIgnoreCase("lua")) { // Redis's engine names are case-insensitive
      throw new ScriptException("Engine '" + engineName + "' not found");
    }
    Library old = libraries.get(name);
    if (old != null && !replace) {
      throw new ScriptException("Library '" + name + "' already exists");
    }
    Map<String, Function> registered = compile(code, eol, timeoutMillis);
    if (registered.isEmpty()) {
      throw new ScriptException("No functions registered");
    }
    for (String f : registered.keySet()) {
      Function existing = functions.get(f);
      if (existing != null && (old == null || !old.functions().containsValue(existing))) {
        throw new ScriptException("Function " + f + " already exists");
      }
    }
    if (old != null) {
      unlink(old);
    }
    Library lib = new Library(name, code, registered);
    libraries.put(name, lib);
    functions.putAll(registered);
    return name;
  }

  /** Runs a library's code (from its shebang's newline, so line numbers stay) to register. */
  private Map<String, Function> compile(byte[] code, int shebangEnd, long timeoutMillis) {
    LuaFunction body;
    try {
      body = engine.compile(code, shebangEnd, "user_function");
    } catch (LuaError e) {
      throw new ScriptException("Error compiling function: " + Errors.lua51(e.getMessage()));
    }
    Map<String, Function> registered = new LinkedHashMap<>();
    loading = registered;
    engine.libraryLoading(true);
    long start = System.nanoTime();
    if (timeoutMillis > 0) {
      engine.interrupt(() -> {
        if ((System.nanoTime() - start) / 1_000_000 > timeoutMillis) {
          engine.checkEveryInstruction();
          throw Errors.raise("FUNCTION LOAD timeout");
        }
      });
    }
    try {
      body.call();
    } catch (LuaError e) {
      LuaValue o = e.getMessageObject();
      String msg =
          o != null && o.istable() && o.rawget(Errors.ERR).isstring()
              ? LuaToReply.text(o.rawget(Errors.ERR))
              : "ERR " + (o == null ? "nil" : LuaToReply.text(o));
      throw new ScriptException("Error registering functions: " + msg);
    } finally {
      engine.stopInterrupts();
      engine.libraryLoading(false);
      loading = null;
    }
    return registered;
  }

  /** redis.register_function(name, f) or redis.register_function{function_name=..., ...}. */
  void register(Varargs args) {
    if (loading == null) {
      throw Errors.raise("redis.register_function can only be called on FUNCTION LOAD command");
    }
    int argc = args.narg();
    if (argc < 1 || argc > 2) {
      throw Errors.raise("wrong number of arguments to redis.register_function");
    }
    String name = null;
    String description = null;
    LuaFunction callback = null;
    EnumSet<ScriptFlags.Flag> flags = EnumSet.noneOf(ScriptFlags.Flag.class);
    if (argc == 1) {
      LuaValue t = args.arg1();
      if (!t.istable()) {
        throw Errors.raise(
            "calling redis.register_function with a single argument is only applicable to Lua"
                + " table (representing named arguments).");
      }
      LuaValue k = LuaValue.NIL;
      while (true) {
        Varargs n = t.next(k);
        if ((k = n.arg1()).isnil()) {
          break;
        }
        LuaValue v = n.arg(2);
        if (!k.isstring()) {
          throw Errors.raise("named argument key given to redis.register_function is not a string");
        }
        switch (k.tojstring().toLowerCase(java.util.Locale.ROOT)) {
          case "function_name" -> {
            if (!v.isstring()) {
              throw Errors.raise(
                  "function_name argument given to redis.register_function must be a string");
            }
            name = LuaToReply.text(v);
          }
          case "description" -> {
            if (!v.isstring()) {
              throw Errors.raise(
                  "description argument given to redis.register_function must be a string");
            }
            description = LuaToReply.text(v);
          }
          case "callback" -> {
            if (!v.isfunction()) {
              throw Errors.raise(
                  "callback argument given to redis.register_function must be a function");
            }
            callback = v.checkfunction();
          }
          case "flags" -> {
            if (!v.istable()) {
              throw Errors.raise(
                  "flags argument to redis.register_function must be a table representing"
                      + " function flags");
            }
            for (int i = 1; !v.rawget(i).isnil(); i++) {
              LuaValue f = v.rawget(i);
              ScriptFlags.Flag flag =
                  f.isstring() ? ScriptFlags.Flag.of(f.tojstring(), true) : null;
              if (flag == null) {
                throw Errors.raise("unknown flag given");
              }
              flags.add(flag);
            }
          }
          default -> throw Errors.raise("unknown argument given to redis.register_function");
        }
      }
      if (name == null) {
        throw Errors.raise("redis.register_function must get a function name argument");
      }
      if (callback == null) {
        throw Errors.raise("redis.register_function must get a callback argument");
      }
    } else {
      if (!args.arg1().isstring()) {
        throw Errors.raise("first argument to redis.register_function must be a string");
      }
      if (!args.arg(2).isfunction()) {
        throw Errors.raise("second argument to redis.register_function must be a function");
      }
      name = LuaToReply.text(args.arg1());
      callback = args.arg(2).checkfunction();
    }
    if (!validName(name)) {
      throw Errors.raise(
          "Library names can only contain letters, numbers, or underscores(_) and must be at"
              + " least one character long");
    }
    if (loading.containsKey(name)) {
      throw Errors.raise("Function already exists in the library");
    }
    loading.put(name, new Function(name, description, new ScriptFlags(flags, false, 0), callback));
  }

  private static boolean validName(String name) {
    return !name.isEmpty()
        && name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) && ch < 128 || ch == '_');
  }

  private void unlink(Library lib) {
    libraries.remove(lib.name());
    lib.functions().keySet().forEach(functions::remove);
  }

  private void list(Client c, byte[][] argv) {
    boolean withCode = false;
    String pattern = null;
    for (int i = 2; i < argv.length; i++) {
      if (!withCode && Args.is(argv[i], "withcode")) {
        withCode = true;
      } else if (pattern == null && Args.is(argv[i], "libraryname")) {
        if (i >= argv.length - 1) {
          throw new CommandError("ERR library name argument was not given");
        }
        pattern = Args.str(argv[++i]);
      } else {
        throw new CommandError("ERR Unknown argument " + Args.str(argv[i]));
      }
    }
    List<Library> shown = new ArrayList<>();
    for (Library lib : libraries.values()) {
      if (pattern == null
          || Glob.match(
              pattern.getBytes(StandardCharsets.UTF_8),
              lib.name().getBytes(StandardCharsets.UTF_8),
              true)) {
        shown.add(lib);
      }
    }
    c.reply.array(shown.size());
    for (Library lib : shown) {
      c.reply.map(withCode ? 4 : 3);
      c.reply.bulk("library_name");
      c.reply.bulk(lib.name());
      c.reply.bulk("engine");
      c.reply.bulk("LUA");
      c.reply.bulk("functions");
      c.reply.array(lib.functions().size());
      for (Function f : lib.functions().values()) {
        c.reply.map(3);
        c.reply.bulk("name");
        c.reply.bulk(f.name());
        c.reply.bulk("description");
        if (f.description() == null) {
          c.reply.nullBulk();
        } else {
          c.reply.bulk(f.description());
        }
        c.reply.bulk("flags");
        List<String> names = f.flags().names();
        c.reply.set(names.size());
        for (String n : names) {
          c.reply.simple(n);
        }
      }
      if (withCode) {
        c.reply.bulk("library_code");
        c.reply.bulk(lib.code());
      }
    }
  }

  private void stats(Client c) {
    ScriptRun r = scripting.current();
    if (r != null && r.eval) {
      throw new CommandError(
          "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN"
              + " NOSAVE.");
    }
    c.reply.map(2);
    c.reply.bulk("running_script");
    if (r == null) {
      c.reply.nullBulk();
    } else {
      c.reply.map(3);
      c.reply.bulk("name");
      c.reply.bulk(r.name);
      c.reply.bulk("command");
      c.reply.array(r.argv.length);
      for (byte[] a : r.argv) {
        c.reply.bulk(a);
      }
      c.reply.bulk("duration_ms");
      c.reply.integer(r.elapsedMillis());
    }
    c.reply.bulk("engines");
    c.reply.map(1);
    c.reply.bulk("LUA");
    c.reply.map(2);
    c.reply.bulk("libraries_count");
    c.reply.integer(libraries.size());
    c.reply.bulk("functions_count");
    c.reply.integer(functions.size());
  }

  /** FUNCTION DUMP: FUNCTION2 records, the RDB version and a CRC-64, as Redis. */
  byte[] dump(boolean compress) {
    RdbOutput out = new RdbOutput(compress, 256);
    for (Library lib : libraries.values()) {
      out.writeByte(FUNCTION2);
      out.writeString(lib.code());
    }
    out.writeLittleEndian(RdbFormat.VERSION, 2);
    out.writeLittleEndian(Crc64.update(0, out.array(), 0, out.size()), 8);
    return out.toByteArray();
  }

  private void restore(Client c, byte[][] argv) {
    if (argv.length < 3 || argv.length > 4) {
      throw Args.wrongArgs("function|restore");
    }
    String policy = argv.length == 4 ? Args.lower(argv[3]) : "append";
    if (!policy.equals("flush") && !policy.equals("append") && !policy.equals("replace")) {
      throw new CommandError(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
    byte[] payload = argv[2];
    if (!DumpPayload.verify(payload)) {
      throw new CommandError("ERR DUMP payload version or checksum are wrong");
    }
    List<byte[]> codes = new ArrayList<>();
    int body = payload.length - 10;
    RdbInput in = new RdbInput(new ByteArrayInputStream(payload, 0, body), body);
    try {
      while (in.remaining() > 0) {
        if (in.readByte() != FUNCTION2) {
          throw new CommandError("ERR given type is not a function");
        }
        codes.add(in.readString());
      }
    } catch (IOException e) {
      throw new CommandError("ERR failed loading the given functions payload");
    }
    Map<String, Library> savedLibraries = new LinkedHashMap<>(libraries);
    Map<String, Function> savedFunctions = new LinkedHashMap<>(functions);
    if (policy.equals("flush")) {
      libraries.clear();
      functions.clear();
    }
    try {
      for (byte[] code : codes) {
        load(code, policy.equals("replace"), 0);
      }
    } catch (ScriptException e) {
      libraries.clear();
      libraries.putAll(savedLibraries);
      functions.clear();
      functions.putAll(savedFunctions);
      throw new CommandError("ERR " + e.getMessage());
    }
    c.reply.ok();
  }

  private static void help(Client c) {
    String[] lines = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME"
          + " argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored"
          + " using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a"
          + " restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision,"
          + " abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision,"
          + " replace the old",
      "      libraries with the new libraries (notice that even on this option there is a"
          + " chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help."
    };
    c.reply.array(lines.length);
    for (String l : lines) {
      c.reply.simple(l);
    }
  }
}
