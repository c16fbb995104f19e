package dev.cairn.common.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A node's durable files, flat in one directory. Writes reach the disk only when the file is {@link
 * StorageFile#fsync() fsynced}: a crash keeps what was synced and may keep any prefix of what was
 * appended after it, possibly torn in the middle of a write or filled with zeros. Rename and delete
 * are atomic and durable when they return (the production implementation fsyncs the directory).
 *
 * <p>Errors are unchecked ({@link UncheckedIOException}): a node whose disk fails cannot go on
 * serving, and the driver decides how it stops.
 */
public interface Storage {
  /** Opens the file, creating it empty if it does not exist. */
  StorageFile open(String name);

  /**
   * Opens a log: a file only appended to and truncated, whose reader takes a zero where an entry
   * should start as its end. The implementation may fill the file with zeros ahead of the appends,
   * so an fsync after an append need not also make a new file size durable (a journal commit on
   * most file systems, the costlier part of a small fsync): {@link StorageFile#size} is then where
   * the appends end, and the same file opened again after a restart ends in zeros.
   */
  default StorageFile openLog(String name) {
    return open(name);
  }

  boolean exists(String name);

  /** File names, sorted. */
  List<String> list();

  void delete(String name);

  /** Replaces {@code to} with {@code from} atomically. */
  void rename(String from, String to);

  /**
   * Replaces a file's whole content so a crash leaves the old content or the new, never a mix:
   * written to a temp file, fsynced, renamed over the target.
   */
  default void writeAtomically(String name, byte[] content) {
    String temp = "." + name + ".tmp";
    delete(temp);
    StorageFile file = open(temp);
    file.append(content);
    file.fsync();
    rename(temp, name);
  }

  /** The whole content of a file, or null if it does not exist. */
  default byte[] readAll(String name) {
    if (!exists(name)) {
      return null;
    }
    StorageFile file = open(name);
    long size = file.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new UncheckedIOException(new IOException(name + " is too large to read at once"));
    }
    byte[] content = new byte[(int) size];
    file.read(0, content, 0, content.length);
    return content;
  }
}
