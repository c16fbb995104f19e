package dev.cairn.broker.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
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
        advanceReassignments(image);
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
  /** Live brokers that registered before the partition state was last written. */
  private static Set<Integer> settledBrokers(
      MetadataImage image, MetadataImage.PartitionImage partition) {
    Set<Integer> settled = new HashSet<>();
    for (int id : image.brokers().keySet()) {
      if (image.brokerEpochs().getOrDefault(id, 0L) < partition.written()) {
        settled.add(id);
      }
    }
    return settled;
  }

  private void electLeaders(MetadataImage image) throws Exception {
    for (MetadataImage.TopicImage t : image.topics().values()) {
      for (Map.Entry<Integer, MetadataImage.PartitionImage> e : t.partitions().entrySet()) {
        MetadataImage.PartitionImage p = e.getValue();
        PartitionState current = p.state();
        if (current == null) {
          continue;
        }
        // An offline partition takes back the last in-sync replica whatever its registration: no
        // other replica holds more, and counting it as dead would leave the partition offline.
        Set<Integer> live =
            current.leader() == PartitionState.NO_LEADER
                ? image.brokers().keySet()
                : settledBrokers(image, p);
        PartitionState next =
            PartitionStateMachine.onLiveBrokersChanged(
                p.replicas(), current, live, uncleanElection, epoch);
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

  /**
   * ElectLeaders: runs the election on every named partition (every partition when null) and writes
   * the new states conditionally, as every controller write. NOT_CONTROLLER on a broker that is not
   * the controller (clients then ask the controller). Runs on the metadata event thread.
   */
  public CompletableFuture<Map<TopicPartition, Errors>> elect(
      ElectionType type, Set<TopicPartition> partitions) {
    CompletableFuture<Map<TopicPartition, Errors>> done = new CompletableFuture<>();
    metadata
        .events()
        .execute(() -> {
          try {
            done.complete(electNow(type, partitions));
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  private Map<TopicPartition, Errors> electNow(ElectionType type, Set<TopicPartition> partitions)
      throws Exception {
    MetadataImage image = metadata.image();
    Set<TopicPartition> wanted = partitions;
    if (wanted == null) {
      wanted = new LinkedHashSet<>();
      for (MetadataImage.TopicImage t : image.topics().values()) {
        for (int p : t.partitions().keySet()) {
          wanted.add(new TopicPartition(t.name(), p));
        }
      }
    }
    Map<TopicPartition, Errors> out = new LinkedHashMap<>();
    for (TopicPartition tp : wanted) {
      MetadataImage.PartitionImage p = image.partition(tp);
      if (p == null || p.state() == null) {
        out.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      Set<Integer> live = settledBrokers(image, p);
      // A broker that is not the controller elects too (clients may ask any broker): its write is
      // conditional on the partition's version like every other, but not on a controller epoch.
      boolean active = epoch >= 0;
      int ctrlEpoch = active ? epoch : p.state().controllerEpoch();
      PartitionStateMachine.Election e =
          type == ElectionType.PREFERRED
              ? PartitionStateMachine.preferred(p.replicas(), p.state(), live, ctrlEpoch)
              : PartitionStateMachine.unclean(p.replicas(), p.state(), live, ctrlEpoch);
      if (e.error() != Errors.NONE) {
        out.put(tp, e.error());
      } else if (metadata.writePartitionState(
              tp.topic(), tp.partition(), e.state(), p.version(), active ? epochVersion : -1)
          < 0) {
        out.put(tp, Errors.NOT_CONTROLLER);
      } else {
        log.info(
            "{}: {} election, leader {} -> {} (leader epoch {})",
            tp,
            type,
            p.state().leader(),
            e.state().leader(),
            e.state().leaderEpoch());
        out.put(tp, Errors.NONE);
      }
    }
    return out;
  }

  /**
   * auto.leader.rebalance.enable: for each broker whose share of partitions it prefers but does not
   * lead is over {@code leader.imbalance.per.broker.percentage}, elects the preferred replica where
   * it is available.
   */
  public void rebalanceLeaders(int imbalancePercentage) {
    metadata
        .events()
        .execute(() -> {
          if (epoch < 0) {
            return;
          }
          MetadataImage image = metadata.image();
          Map<Integer, List<TopicPartition>> preferredElsewhere = new HashMap<>();
          Map<Integer, Integer> preferredCount = new HashMap<>();
          for (MetadataImage.TopicImage t : image.topics().values()) {
            for (MetadataImage.PartitionImage p : t.partitions().values()) {
              if (p.state() == null || p.replicas().isEmpty()) {
                continue;
              }
              int preferred = p.replicas().get(0);
              preferredCount.merge(preferred, 1, Integer::sum);
              if (p.state().leader() != preferred) {
                preferredElsewhere
                    .computeIfAbsent(preferred, b -> new ArrayList<>())
                    .add(new TopicPartition(t.name(), p.partition()));
              }
            }
          }
          Set<TopicPartition> elect = new LinkedHashSet<>();
          preferredElsewhere.forEach((broker, tps) -> {
            if (tps.size() * 100 > imbalancePercentage * preferredCount.get(broker)) {
              elect.addAll(tps);
            }
          });
          if (elect.isEmpty()) {
            return;
          }
          try {
            Map<TopicPartition, Errors> results = electNow(ElectionType.PREFERRED, elect);
            log.info(
                "leader rebalance: {} of {} partitions moved to their preferred replica",
                results.values().stream().filter(e -> e == Errors.NONE).count(),
                elect.size());
          } catch (Exception e) {
            log.warn("leader rebalance failed: {}", e.toString());
          }
        });
  }

  /** Moves each partition being reassigned one step on, when it can (see PartitionStateMachine). */
  private void advanceReassignments(MetadataImage image) throws Exception {
    for (var e : image.reassignments().entrySet()) {
      TopicPartition tp = e.getKey();
      MetadataImage.PartitionImage p = image.partition(tp);
      if (p == null || p.state() == null) {
        continue;
      }
      PartitionStateMachine.ReassignmentStep step =
          PartitionStateMachine.reassign(
              p.replicas(), e.getValue().target(), p.state(), settledBrokers(image, p), epoch);
      if (step == null) {
        continue;
      }
      if (metadata.writeReassignmentStep(
          tp.topic(),
          tp.partition(),
          step.replicas(),
          step.state(),
          p.version(),
          epochVersion,
          step.finished())) {
        log.info(
            "{}: reassignment {}: replicas {} -> {}, leader {}, isr {} (leader epoch {})",
            tp,
            step.finished() ? "completed" : "started",
            p.replicas(),
            step.replicas(),
            step.state().leader(),
            step.state().isr(),
            step.state().leaderEpoch());
      }
    }
  }
}
