package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected clients by id, in connection order (CLIENT LIST's), and the limits on them:
 * maxclients, the idle timeout and the output buffer hard limits.
 */
public final class ClientRegistry {
  private static final Logger log = LoggerFactory.getLogger(ClientRegistry.class);

  private final Server server;
  private final Map<Long, Client> clients = new LinkedHashMap<>();
  private long nextId = 1;
  private long normalOutputLimit;
  private long pubsubOutputLimit;

  ClientRegistry(Server server) {
    this.server = server;
  }

  void configure(CacheConfig config) {
    this.normalOutputLimit = config.outputHardLimit("normal");
    this.pubsubOutputLimit = config.outputHardLimit("pubsub");
  }

  /** Registers a new connection; null if maxclients is reached (the caller closes it). */
  Client connect(Channel channel) {
    server.stats.totalConnections++;
    Client c = new Client(nextId++, server, channel);
    c.db = server.keyspace.db(0);
    c.user = server.acl.defaultUser();
    c.authenticated = !server.acl.defaultUser().requiresPassword();
    if (clients.size() >= server.config().get(CacheConfig.MAXCLIENTS)) {
      server.stats.rejectedConnections++;
      c.closeWithError("ERR max number of clients reached");
      return null;
    }
    clients.put(c.id, c);
    return c;
  }

  /** Forgets a client; false if it was not registered (or already removed). */
  boolean remove(Client c) {
    return clients.remove(c.id) != null;
  }

  /** A client with no connection, for replaying commands (AOF loading); its replies are dropped. */
  public Client replayClient() {
    Client c = new Client(0, server, new EmbeddedChannel());
    c.db = server.keyspace.db(0);
    c.user = server.acl.defaultUser();
    c.authenticated = true;
    return c;
  }

  public Iterable<Client> all() {
    return clients.values();
  }

  public int count() {
    return clients.size();
  }

  public Client get(long id) {
    return clients.get(id);
  }

  /**
   * Closes clients idle for longer than {@code timeout} seconds (0: never), as Redis's clients cron
   * does; clients blocked in a command or subscribed to channels are not idle.
   */
  public void closeIdle() {
    long timeoutMillis = server.config().get(CacheConfig.TIMEOUT) * 1000L;
    if (timeoutMillis == 0) {
      return;
    }
    long now = System.currentTimeMillis();
    for (Client c : List.copyOf(clients.values())) {
      if (!c.blocked() && !c.subscribed() && now - c.lastInteraction > timeoutMillis) {
        log.debug("cache client id={} addr={} closed: idle past timeout", c.id, c.address());
        c.close();
      }
    }
  }

  /** Closes a client whose pending output exceeds its class's hard limit. */
  void checkOutputLimit(Client c) {
    long limit = c.subscribed() ? pubsubOutputLimit : normalOutputLimit;
    if (limit > 0 && c.outputPending() > limit) {
      log.warn(
          "cache client id={} addr={} closed: output buffer over {} bytes",
          c.id,
          c.address(),
          limit);
      c.close();
    }
  }
}
