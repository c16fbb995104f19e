package dev.cairn.broker.log;

/**
 * An offset with the place its batch starts: the segment's base offset and the byte position. The
 * high watermark is kept in this form so a fetch bounded by it stops at a byte position without an
 * index lookup.
 */
public record LogOffsetMetadata(long offset, long segmentBaseOffset, int position) {}
