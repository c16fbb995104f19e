package dev.cairn.broker.metadata;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller election and the controller's duty. Every broker tries to create the ephemeral {@code
 * /controller} znode whenever it sees none; the one that succeeds bumps {@code /controller_epoch}
 * and becomes controller until its session ends. The controller re-runs {@link
 * PartitionStateMachine} on every metadata change and writes the partition states that changed (new
 * leaders when brokers die or come back, ISRs without dead brokers). Every write is conditional on
 * the state's version and on {@code /controller_epoch} being as this controller left it, so neither
 * a leader's concurrent ISR change nor a newer controller is overwritten. Runs on the metadata
 * event thread.
 */
public final class Controller {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  private final ClusterMetadata metadata;
  private final int brokerId;
  private final boolean uncleanElection;
  private volatile int epoch = -1;
  private int epochVersion = -1;

  public Controller(ClusterMetadata metadata, int brokerId, boolean uncleanElection) {
    this.metadata = metadata;
    this.brokerId = brokerId;
    this.uncleanElection = uncleanElection;
  }

  public void start() {
    metadata.addListener(this::onImage);
  }

  public boolean isActive() {
    return epoch >= 0;
  }

  /** The epoch of this controller, or -1 when another broker is controller. */
  public int epoch() {
    return epoch;
  }

  private void onImage(MetadataImage image) {
    try {
      if (image.controllerId() < 0) {
        tryElect();
      } else if (image.controllerId() != brokerId && epoch >= 0) {
        log.info("broker {} is no longer controller", brokerId);
        epoch = -1;
      }
      if (epoch >= 0) {
        electLeaders(image);
      }
    } catch (Exception e) {
      log.warn("controller step failed: {}", e.toString());
    }
  }

  private void tryElect() throws Exception {
    try {
      metadata
          .client()
          .create()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(
              ZkPaths.CONTROLLER, ("brokerid=" + brokerId + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (KeeperException.NodeExistsException e) {
      return;
    }
    Stat stat = new Stat();
    int current;
    try {
      byte[] d = metadata.client().getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH);
      current = Integer.parseInt(new String(d, StandardCharsets.UTF_8).trim());
    } catch (KeeperException.NoNodeException e) {
      metadata
          .client()
          .create()
          .forPath(ZkPaths.CONTROLLER_EPOCH, "0".getBytes(StandardCharsets.UTF_8));
      current = 0;
      stat.setVersion(0);
    }
    int next = current + 1;
    Stat written =
        metadata
            .client()
            .setData()
            .withVersion(stat.getVersion())
            .forPath(ZkPaths.CONTROLLER_EPOCH, ("" + next).getBytes(StandardCharsets.UTF_8));
    epochVersion = written.getVersion();
    epoch = next;
    log.info("broker {} elected controller, epoch {}", brokerId, next);
  }

  /**
   * Elects leaders and shrinks ISRs for the brokers that are gone, counting as gone a broker that
   * registered after the partition state was last written: it restarted since, so it may have lost
   * what it had not written to disk, and must catch up before it leads or counts as in sync.
   */
  private void electLeaders(MetadataImage image) throws Exception {
    Set<Integer> live = image.brokers().keySet();
    for (MetadataImage.TopicImage t : image.topics().values()) {
      for (Map.Entry<Integer, MetadataImage.PartitionImage> e : t.partitions().entrySet()) {
        MetadataImage.PartitionImage p = e.getValue();
        PartitionState current = p.state();
        if (current == null) {
          continue;
        }
        Set<Integer> settled = new HashSet<>();
        for (int id : live) {
          if (image.brokerEpochs().getOrDefault(id, 0L) < p.written()) {
            settled.add(id);
          }
        }
        PartitionState next =
            PartitionStateMachine.onLiveBrokersChanged(
                p.replicas(), current, settled, uncleanElection, epoch);
        if (next.equals(current)) {
          continue;
        }
        int version =
            metadata.writePartitionState(t.name(), e.getKey(), next, p.version(), epochVersion);
        if (version < 0) {
          log.info(
              "{}-{}: partition state changed meanwhile (or this controller was deposed), retrying"
                  + " with the next metadata",
              t.name(),
              e.getKey());
          continue;
        }
        log.info(
            "{}-{}: leader {} -> {}, isr {} -> {} (leader epoch {})",
            t.name(),
            e.getKey(),
            current.leader(),
            next.leader(),
            current.isr(),
            next.isr(),
            next.leaderEpoch());
      }
    }
  }
}
