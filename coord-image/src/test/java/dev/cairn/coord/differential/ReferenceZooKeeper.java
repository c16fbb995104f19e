package dev.cairn.coord.differential;

import dev.cairn.common.testkit.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * Apache ZooKeeper's own standalone server (the jar the client comes from), in process on a free
 * loopback port: the reference the coordinator is compared with.
 */
public final class ReferenceZooKeeper implements AutoCloseable {
  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  public ReferenceZooKeeper(Path dataDir) throws Exception {
    File dir = dataDir.toFile();
    server = new ZooKeeperServer(dir, dir, 2000);
    connections =
        ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", FreePorts.next()), 0);
    connections.startup(server);
  }

  public String connectString() {
    return "127.0.0.1:" + connections.getLocalPort();
  }

  /** Writes a snapshot file now, as the server does every snapCount txns. */
  public void takeSnapshot() throws Exception {
    server.takeSnapshot();
  }

  /** The server's database: its tree and sessions, as a leader would serialize them. */
  public ZKDatabase database() {
    return server.getZKDatabase();
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown();
  }
}
