package dev.cairn.cache.db;

/**
 * A value that holds elements (list, hash, set, sorted set, stream): it remembers the estimate its
 * key last added to the database's memory total, so the keyspace entry does not have to (entries
 * are most keys' largest overhead; containers are few and large). Strings carry nothing: the
 * keyspace dict counts them as leaf values.
 */
public abstract class Container {
  /** What {@link Database#remeasure} last added to the total for this value; 0 when none. */
  long accounted;
}
