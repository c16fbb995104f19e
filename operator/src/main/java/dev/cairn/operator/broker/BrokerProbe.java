package dev.cairn.operator.broker;

import dev.cairn.operator.common.PodView;
import java.util.List;

/** Asks the brokers of a cluster about the controller and their partitions. */
@FunctionalInterface
public interface BrokerProbe {
  BrokerView observe(BrokerCluster cluster, List<PodView> pods);
}
