package dev.cairn.broker.log;

/** What a log read returned: the bytes (possibly empty) and the offset the read started at. */
public record FetchDataInfo(long fetchOffset, FileSlice records) {}
