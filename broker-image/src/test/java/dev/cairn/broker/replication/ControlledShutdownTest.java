package dev.cairn.broker.replication;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping broker hands its leaderships to in-sync followers through the coordinator, and stops
 * in bounded time when the coordinator is gone; once it is back in sync, a preferred election
 * (ElectLeaders, as kafka-leader-election.sh sends it) gives its leadership back.
 */
class ControlledShutdownTest {
  @TempDir Path dir;
  private TestingServer zk;
  private final List<BrokerEngine> brokers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(1));
    }
    zk.close();
  }

  private Admin startClusterWithLeadersOn(int leader) throws Exception {
    zk = new TestingServer(true);
    brokers.addAll(TestBrokers.startCluster(zk.getConnectString(), dir, 2));
    Properties props = new Properties();
    props.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        brokers.stream().map(TestBrokers::bootstrap).collect(Collectors.joining(",")));
    Admin admin = Admin.create(props);
    admin
        .createTopics(List.of(new NewTopic("t", Map.of(0, List.of(leader, 3 - leader)))))
        .all()
        .get(30, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> describe(admin).isr().size() == 2 && describe(admin).leader().id() == leader);
    return admin;
  }

  private static org.apache.kafka.common.TopicPartitionInfo describe(Admin admin) throws Exception {
    TopicDescription d =
        admin.describeTopics(List.of("t")).allTopicNames().get(10, TimeUnit.SECONDS).get("t");
    return d.partitions().get(0);
  }

  @Test
  void aStoppingLeaderHandsItsPartitionToTheInSyncFollower() throws Exception {
    try (Admin admin = startClusterWithLeadersOn(1)) {
      brokers.get(0).stop(Duration.ofSeconds(1));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> describe(admin).leader() != null && describe(admin).leader().id() == 2);
    }
  }

  @Test
  void aPreferredElectionReturnsLeadershipToTheRestartedPreferredReplica() throws Exception {
    try (Admin admin = startClusterWithLeadersOn(1)) {
      brokers.get(0).stop(Duration.ofSeconds(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> describe(admin).leader().id() == 2);
      brokers.set(
          0,
          EngineExtension.startAndAwaitReady(
              TestBrokers.broker(
                  zk.getConnectString(), dir.resolve("logs1"), Map.of("broker.id", "1"))));
      await().atMost(Duration.ofSeconds(30)).until(() -> describe(admin).isr().size() == 2);
      TopicPartition tp = new TopicPartition("t", 0);
      // The default leader.imbalance.check.interval.seconds (300) leaves the election to us.
      assertThat(describe(admin).leader().id()).isEqualTo(2);
      Map<TopicPartition, Optional<Throwable>> elected =
          admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get(10, SECONDS);
      assertThat(elected).containsEntry(tp, Optional.empty());
      await().atMost(Duration.ofSeconds(10)).until(() -> describe(admin).leader().id() == 1);
      assertThat(
              admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get(10, SECONDS))
          .as("a second election is not needed")
          .hasEntrySatisfying(
              tp, e -> assertThat(e).containsInstanceOf(ElectionNotNeededException.class));
    }
  }

  @Test
  void aLeaderWhoseCoordinatorIsGoneStillStopsPromptly() throws Exception {
    try (Admin admin = startClusterWithLeadersOn(1)) {
      zk.stop();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> !brokers.get(0).clusterMetadata().client().getZookeeperClient().isConnected());
      long start = System.nanoTime();
      brokers.get(0).stop(Duration.ofSeconds(1));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }
}
