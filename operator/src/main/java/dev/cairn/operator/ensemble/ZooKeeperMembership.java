package dev.cairn.operator.ensemble;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;

/**
 * {@link EnsembleMembership} with ZooKeeper's own admin client, as {@code zkCli reconfig} does it:
 * a short session per call, bounded by {@link #TIMEOUT_MS}, so a reconcile never hangs on an
 * ensemble without a leader.
 */
public final class ZooKeeperMembership implements EnsembleMembership {
  static final int TIMEOUT_MS = 5_000;

  @Override
  public Set<Integer> voters(String connectString) {
    try (ZooKeeperAdmin zk = connect(connectString)) {
      return parseVoters(new String(zk.getConfig(false, new Stat()), StandardCharsets.UTF_8));
    } catch (IOException | KeeperException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void reconfigure(String connectString, String password, String joining, String leaving) {
    try (ZooKeeperAdmin zk = connect(connectString)) {
      zk.addAuthInfo("digest", ("super:" + password).getBytes(StandardCharsets.UTF_8));
      zk.reconfigure(joining, leaving, null, -1, new Stat());
    } catch (IOException | KeeperException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The voters of a {@code /zookeeper/config} text: its {@code server.N} lines but observers. */
  static Set<Integer> parseVoters(String config) {
    Set<Integer> voters = new TreeSet<>();
    for (String line : config.split("\n")) {
      if (!line.startsWith("server.") || !line.contains("=")) {
        continue;
      }
      String spec = line.substring(line.indexOf('=') + 1).split(";", 2)[0];
      if (!spec.endsWith(":observer")) {
        voters.add(Integer.parseInt(line.substring("server.".length(), line.indexOf('=')).trim()));
      }
    }
    return voters;
  }

  private static ZooKeeperAdmin connect(String connectString)
      throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeperAdmin zk =
        new ZooKeeperAdmin(
            connectString,
            TIMEOUT_MS * 2,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new IOException("no session with " + connectString + " within " + TIMEOUT_MS + " ms");
    }
    return zk;
  }
}
