package dev.cairn.operator.common;

/** A persistent volume of every pod: claim template name, its storage and where it is mounted. */
public record DataVolume(String name, Storage storage, String mountPath) {}
