package dev.cairn.broker.metadata;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller election and the controller's duty. Every broker tries to create the ephemeral {@code
 * /controller} znode whenever it sees none; the one that succeeds bumps {@code /controller_epoch}
 * and becomes controller until its session ends. The controller re-runs {@link
 * PartitionStateMachine} on every metadata change and writes the partition states that changed (new
 * leaders when brokers die or come back). Runs on the metadata event thread.
 */
public final class Controller {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  private final ClusterMetadata metadata;
  private final int brokerId;
  private final boolean uncleanElection;
  private volatile int epoch = -1;

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
    int next = metadata.controllerEpoch().orElse(0) + 1;
    byte[] data = ("" + next).getBytes(StandardCharsets.UTF_8);
    try {
      metadata.client().setData().forPath(ZkPaths.CONTROLLER_EPOCH, data);
    } catch (KeeperException.NoNodeException e) {
      metadata.client().create().forPath(ZkPaths.CONTROLLER_EPOCH, data);
    }
    epoch = next;
    log.info("broker {} elected controller, epoch {}", brokerId, next);
  }

  private void electLeaders(MetadataImage image) throws Exception {
    Set<Integer> live = image.brokers().keySet();
    for (MetadataImage.TopicImage t : image.topics().values()) {
      for (Map.Entry<Integer, MetadataImage.PartitionImage> e : t.partitions().entrySet()) {
        PartitionState current = e.getValue().state();
        if (current == null) {
          continue;
        }
        PartitionState next =
            PartitionStateMachine.onLiveBrokersChanged(
                e.getValue().replicas(), current, live, uncleanElection, epoch);
        if (!next.equals(current)) {
          metadata.writePartitionState(t.name(), e.getKey(), next);
          log.info(
              "{}-{}: leader {} -> {} (epoch {})",
              t.name(),
              e.getKey(),
              current.leader(),
              next.leader(),
              next.leaderEpoch());
        }
      }
    }
  }
}
