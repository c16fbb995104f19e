package dev.cairn.broker.log;

/**
 * The result of an append: the offsets given to the batches (or, for a duplicate idempotent batch,
 * the offsets it got the first time), the log append time (-1 unless the topic uses LogAppendTime)
 * and the log start offset, as a Produce response reports them.
 */
public record LogAppendInfo(
    long firstOffset, long lastOffset, long logAppendTime, long logStartOffset, int records) {}
