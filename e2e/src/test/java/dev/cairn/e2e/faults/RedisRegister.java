package dev.cairn.e2e.faults;

import dev.cairn.common.history.History;
import dev.cairn.common.history.Register;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A cache key used as a register by one client process, every operation recorded in a {@link
 * History}: SET is a write, GET a read. A connection error leaves a write's outcome unknown (the
 * request may still arrive); a read that failed changed nothing and is dropped.
 */
record RedisRegister(String key, int process, History<Register.Op, Register.Result> history) {
  /** Writes {@code value}; rethrows the connection error after recording it. */
  void write(Jedis jedis, long value) {
    int id = history.invoke(process, Register.Op.write(key, value));
    try {
      jedis.set(key, Long.toString(value));
      history.ok(id, Register.Result.OK);
    } catch (JedisConnectionException e) {
      history.info(id);
      throw e;
    }
  }

  /** Reads the value; rethrows the connection error after recording it. */
  Long read(Jedis jedis) {
    int id = history.invoke(process, Register.Op.read(key));
    try {
      String value = jedis.get(key);
      Long read = value == null ? null : Long.valueOf(value);
      history.ok(id, Register.Result.read(read));
      return read;
    } catch (JedisConnectionException e) {
      history.fail(id);
      throw e;
    }
  }
}
