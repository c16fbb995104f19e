package dev.cairn.e2e.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Jedis connections from a client address of the harness. An unbound socket to 127.0.1.x leaves
 * from 127.0.0.1, which no partition names; binding the source address is what lets a partition cut
 * this client off.
 */
record BoundClient(InetAddress source, InetSocketAddress server, Duration timeout)
    implements JedisSocketFactory {
  Jedis connect() {
    return new Jedis(
        this,
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) timeout.toMillis())
            .socketTimeoutMillis((int) timeout.toMillis())
            .build());
  }

  @Override
  public Socket createSocket() {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(source, 0));
      socket.setSoTimeout((int) timeout.toMillis());
      socket.connect(server, (int) timeout.toMillis());
      return socket;
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new JedisConnectionException("from " + source.getHostAddress() + " to " + server, e);
    }
  }
}
