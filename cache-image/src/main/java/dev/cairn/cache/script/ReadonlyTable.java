package dev.cairn.cache.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that refuses every change once {@link #lock}ed, as the tables of Redis 7's patched
 * Lua do ({@code lua_enablereadonlytable}): the globals, {@code redis}, {@code string}, {@code
 * math}, {@code cjson}... so that one script cannot change what the next one runs with. Every write
 * path of LuaJ's table (assignment, {@code rawset}, the table library's insert, remove and sort,
 * {@code setmetatable}) goes through the methods overridden here.
 *
 * <p>It is a {@link Globals} because LuaJ gives a chunk its interpreter state (instruction hook,
 * error function, running coroutine) only when the chunk's environment is one; the globals of both
 * engines are read-only tables, so every read-only table is one (an unused state is a few fields).
 *
 * <p>As in Lua 5.1, the error carries the script's position when an assignment in the script hits
 * the table, and none when a library function did ({@code rawset}, {@code table.insert}).
 */
class ReadonlyTable extends Globals {
  private static final String MESSAGE = "Attempt to modify a readonly table";
  private boolean locked;

  /** From now on every change is an error. */
  void lock() {
    locked = true;
  }

  boolean locked() {
    return locked;
  }

  /** Sets a field even though the table is locked (the engine's own changes: KEYS, ARGV). */
  void setUnlocked(String key, LuaValue value) {
    boolean was = locked;
    locked = false;
    try {
      rawset(LuaValue.valueOf(key), value);
    } finally {
      locked = was;
    }
  }

  private void check() {
    if (locked) {
      throw ScriptError.fromLibrary()
          ? ScriptError.unpositioned(MESSAGE)
          : new ScriptError(MESSAGE);
    }
  }

  @Override
  public void rawset(int key, LuaValue value) {
    check();
    super.rawset(key, value);
  }

  @Override
  public void rawset(LuaValue key, LuaValue value) {
    check();
    super.rawset(key, value);
  }

  @Override
  public LuaValue setmetatable(LuaValue metatable) {
    check();
    return super.setmetatable(metatable);
  }

  @Override
  public void insert(int pos, LuaValue value) {
    check();
    super.insert(pos, value);
  }

  @Override
  public LuaValue remove(int pos) {
    check();
    return super.remove(pos);
  }

  @Override
  public void sort(LuaValue comparator) {
    check();
    super.sort(comparator);
  }
}
