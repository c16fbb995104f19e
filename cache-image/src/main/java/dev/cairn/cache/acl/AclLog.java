package dev.cairn.cache.acl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Redis 7.0's ACL log: the latest refusals first (commands, keys, channels the user may not use,
 * failed AUTH), a refusal like one of the ten latest within 60 seconds counted on that entry, at
 * most {@code acllog-max-len} entries.
 */
public final class AclLog {
  private static final long GROUPING_MILLIS = 60_000;
  private static final int SCANNED = 10;

  /** One entry, as ACL LOG lists it. */
  public static final class Entry {
    public long count = 1;
    public final String reason;
    public final String context;
    public final String object;
    public final String username;
    public long millis;
    public String clientInfo;

    Entry(String reason, String context, String object, String username) {
      this.reason = reason;
      this.context = context;
      this.object = object;
      this.username = username;
    }
  }

  private final Deque<Entry> entries = new ArrayDeque<>();

  /** addACLLogEntry: reason is command, key, channel or auth; context toplevel, multi or lua. */
  public void add(
      String reason,
      String context,
      String object,
      String username,
      String clientInfo,
      long maxLen) {
    long now = System.currentTimeMillis();
    int scanned = 0;
    for (Iterator<Entry> it = entries.iterator(); it.hasNext() && scanned < SCANNED; scanned++) {
      Entry e = it.next();
      if (e.reason.equals(reason)
          && e.context.equals(context)
          && Math.abs(e.millis - now) <= GROUPING_MILLIS
          && e.object.equals(object)
          && e.username.equals(username)) {
        it.remove();
        e.count++;
        e.millis = now;
        e.clientInfo = clientInfo;
        entries.addFirst(e);
        return;
      }
    }
    Entry e = new Entry(reason, context, object, username);
    e.millis = now;
    e.clientInfo = clientInfo;
    entries.addFirst(e);
    while (entries.size() > maxLen) {
      entries.removeLast();
    }
  }

  public void reset() {
    entries.clear();
  }

  public Iterable<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }
}
