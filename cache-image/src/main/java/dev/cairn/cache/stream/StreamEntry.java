package dev.cairn.cache.stream;

/**
 * One entry of a stream: its ID and its field-value pairs, flat ({@code f1 v1 f2 v2 ...}).
 *
 * <p>Inside a {@link StreamNode} it also carries Redis's listpack flags: whether its fields are the
 * node's master fields (stored as values only) and whether it is deleted (a tombstone that stays in
 * the node until the whole node goes).
 */
public final class StreamEntry {
  public final StreamId id;
  public final byte[][] fieldsValues;
  final boolean sameFields;
  boolean deleted;

  StreamEntry(StreamId id, byte[][] fieldsValues, boolean sameFields) {
    this.id = id;
    this.fieldsValues = fieldsValues;
    this.sameFields = sameFields;
  }

  public int fieldCount() {
    return fieldsValues.length / 2;
  }

  public boolean sameFields() {
    return sameFields;
  }

  public boolean deleted() {
    return deleted;
  }
}
