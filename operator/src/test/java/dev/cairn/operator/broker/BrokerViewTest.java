package dev.cairn.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.broker.BrokerView.PartitionView;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** KafkaRoller's rule: no restart while it could make a partition unavailable to acks=all. */
class BrokerViewTest {
  private static PartitionView p(int replicas, int inSync, boolean leader, int minIsr) {
    return new PartitionView(
        "orders", 0, IntStream.range(0, replicas).boxed().toList(), inSync, leader, minIsr);
  }

  private static BrokerView view(String controller, PartitionView... partitions) {
    return new BrokerView(controller, List.of(partitions), Set.of(0, 1, 2), Set.of());
  }

  @Test
  void aWholeClusterMayRestartItsControllerLast() {
    BrokerView view = view("kafka-2", p(3, 3, true, 2), p(1, 1, true, 1));
    assertThat(view.restartBlocked()).isNull();
    assertThat(view.last()).isEqualTo("kafka-2");
    assertThat(view.underReplicated()).isZero();
  }

  @Test
  void anUnderReplicatedOrLeaderlessPartitionHoldsTheRoll() {
    BrokerView catchingUp = view("kafka-0", p(3, 2, true, 1));
    assertThat(catchingUp.restartBlocked()).contains("under-replicated");
    assertThat(catchingUp.underReplicated()).isOne();
    BrokerView offline = view("kafka-0", p(3, 2, false, 1));
    assertThat(offline.restartBlocked()).contains("no leader");
    assertThat(offline.offline()).isOne();
  }

  @Test
  void aPartitionAtItsMinimumHoldsTheRollUnlessItCanNeverTakeAcksAll() {
    assertThat(view(null, p(2, 2, true, 2)).restartBlocked())
        .as("replication factor 2, min.insync.replicas 2: acks=all fails through any restart")
        .isNull();
    assertThat(view(null, p(3, 3, true, 3)).restartBlocked()).isNull();
    assertThat(view(null, p(4, 2, true, 2)).restartBlocked()).contains("under-replicated");
  }
}
