package dev.cairn.broker.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;

/**
 * Incremental fetch sessions (KIP-227). A client's full fetch with epoch 0 creates a session that
 * remembers its partitions and what was last sent for each; later fetches with the session id and
 * the next epoch list only partitions that changed (or are forgotten), and the response lists only
 * partitions with new data, a changed high watermark / log start offset, or an error.
 *
 * <p>Bounded: at most {@code maxSessions}; the least recently used session is evicted (its client
 * gets FETCH_SESSION_ID_NOT_FOUND and falls back to a full fetch). Thread-safe.
 */
public final class FetchSessionCache {
  /** A partition in a session: what the client asked for and what it was last told. */
  public static final class CachedPartition {
    public long fetchOffset;
    public int maxBytes;
    public int currentLeaderEpoch;
    public int lastFetchedEpoch = -1;
    public long sentHighWatermark = -1;
    public long sentLogStartOffset = -1;

    public CachedPartition(long fetchOffset, int maxBytes, int currentLeaderEpoch) {
      this.fetchOffset = fetchOffset;
      this.maxBytes = maxBytes;
      this.currentLeaderEpoch = currentLeaderEpoch;
    }
  }

  /** One session: id, the epoch expected next, and its partitions in request order. */
  public static final class Session {
    public final int id;
    public int nextEpoch = 1;
    public final Map<TopicPartition, CachedPartition> partitions = new LinkedHashMap<>();

    Session(int id) {
      this.id = id;
    }
  }

  private final int maxSessions;
  private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

  public FetchSessionCache(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  public synchronized Session create() {
    while (sessions.size() >= maxSessions) {
      Integer eldest = sessions.keySet().iterator().next();
      sessions.remove(eldest);
    }
    int id;
    do {
      id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    } while (sessions.containsKey(id));
    Session s = new Session(id);
    sessions.put(id, s);
    return s;
  }

  public synchronized Session get(int id) {
    return sessions.get(id);
  }

  public synchronized void remove(int id) {
    sessions.remove(id);
  }

  public synchronized int size() {
    return sessions.size();
  }
}
