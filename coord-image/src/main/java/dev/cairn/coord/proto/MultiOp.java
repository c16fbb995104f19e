package dev.cairn.coord.proto;

import org.apache.jute.Record;

/** One operation of a multi or multiRead request: its opcode and its request record. */
public record MultiOp(int type, Record request) {}
