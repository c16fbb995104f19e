package dev.cairn.cache.rdb;

/** Encoded key records of one database, handed from a {@link Snapshot} to the file writer. */
public record Chunk(int db, byte[] bytes, int length) {}
