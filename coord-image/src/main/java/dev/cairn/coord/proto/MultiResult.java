package dev.cairn.coord.proto;

import org.apache.jute.Record;

/**
 * One operation's result in a multi response: the op type (or -1 for an error result), the error
 * code, and the response record (null for delete and check).
 */
public record MultiResult(int type, int err, Record response) {}
