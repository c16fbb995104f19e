package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.metadata.ZkPaths;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic broker configs: per broker and cluster-wide default, altered through the Admin client,
 * stored in the coordinator as ZooKeeper-era Kafka stored them, applied to the logs at once and
 * described with their source.
 */
class DynamicBrokerConfigTest {
  private static final ConfigResource CLUSTER = new ConfigResource(ConfigResource.Type.BROKER, "");
  private static final ConfigResource BROKER_0 =
      new ConfigResource(ConfigResource.Type.BROKER, "0");
  private static final ConfigResource TOPIC = new ConfigResource(ConfigResource.Type.TOPIC, "kept");

  @TempDir Path dir;

  @Test
  void retentionSetForTheClusterAndThenTheBrokerIsStoredAppliedAndDescribed() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework coordinator =
            CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      coordinator.start();
      BrokerEngine broker =
          EngineExtension.startAndAwaitReady(
              TestBrokers.broker(zk.getConnectString(), dir, Map.of("log.retention.hours", "48")));
      try (Admin admin = Admin.create(TestBrokers.admin(broker))) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
        assertThat(entry(admin, TOPIC, "retention.ms").value()).isEqualTo("172800000");

        set(admin, CLUSTER, "log.retention.ms", "1000");
        assertThat(describe(admin, CLUSTER).entries())
            .extracting(e -> e.name() + "=" + e.value() + " " + e.source())
            .containsExactly("log.retention.ms=1000 DYNAMIC_DEFAULT_BROKER_CONFIG");
        assertThat(entry(admin, BROKER_0, "log.retention.ms"))
            .extracting(ConfigEntry::value, ConfigEntry::source, ConfigEntry::isReadOnly)
            .containsExactly("1000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, false);
        assertThat(entry(admin, TOPIC, "retention.ms"))
            .extracting(ConfigEntry::value, ConfigEntry::source)
            .containsExactly("1000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(retentionMsOfTheLog(broker)).isEqualTo(1000);

        set(admin, BROKER_0, "log.retention.ms", "2000");
        assertThat(entry(admin, TOPIC, "retention.ms"))
            .extracting(ConfigEntry::value, ConfigEntry::source)
            .containsExactly("2000", ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(entry(admin, TOPIC, "retention.ms").synonyms())
            .extracting(s -> s.name() + "=" + s.value() + " " + s.source())
            .containsExactly(
                "log.retention.ms=2000 DYNAMIC_BROKER_CONFIG",
                "log.retention.ms=1000 DYNAMIC_DEFAULT_BROKER_CONFIG",
                "log.retention.hours=48 STATIC_BROKER_CONFIG",
                "log.retention.hours=168 DEFAULT_CONFIG");
        assertThat(retentionMsOfTheLog(broker)).isEqualTo(2000);
        assertThat(znode(coordinator, ZkPaths.brokerConfig("<default>")))
            .contains("log.retention.ms=1000");
        assertThat(znode(coordinator, ZkPaths.brokerConfig("0"))).contains("log.retention.ms=2000");

        set(admin, BROKER_0, "leader.replication.throttled.rate", "1048576");
        assertThat(entry(admin, BROKER_0, "leader.replication.throttled.rate"))
            .extracting(ConfigEntry::value, ConfigEntry::source)
            .containsExactly("1048576", ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(entry(admin, BROKER_0, "num.partitions").isReadOnly()).isTrue();
        assertThatThrownBy(() -> set(admin, CLUSTER, "num.partitions", "3"))
            .hasCauseInstanceOf(InvalidRequestException.class)
            .hasMessageContaining("Cannot update these configs dynamically");
        assertThatThrownBy(() -> set(admin, BROKER_0, "log.retention.ms", "soon"))
            .hasCauseInstanceOf(InvalidConfigurationException.class);

        admin
            .incrementalAlterConfigs(
                Map.of(
                    BROKER_0,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("log.retention.ms", null),
                            AlterConfigOp.OpType.DELETE)),
                    CLUSTER,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("log.retention.ms", null),
                            AlterConfigOp.OpType.DELETE))))
            .all()
            .get();
        assertThat(entry(admin, TOPIC, "retention.ms"))
            .extracting(ConfigEntry::value, ConfigEntry::source)
            .containsExactly("172800000", ConfigSource.DEFAULT_CONFIG);
        assertThat(retentionMsOfTheLog(broker)).isEqualTo(172_800_000L);
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
    }
  }

  private static long retentionMsOfTheLog(BrokerEngine broker) {
    return broker.logManager().get(new TopicPartition("kept", 0)).config().retentionMs();
  }

  private static void set(Admin admin, ConfigResource res, String key, String value)
      throws Exception {
    Collection<AlterConfigOp> ops =
        List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
    admin.incrementalAlterConfigs(Map.of(res, ops)).all().get();
  }

  private static Config describe(Admin admin, ConfigResource res) throws Exception {
    return admin
        .describeConfigs(
            List.of(res),
            new org.apache.kafka.clients.admin.DescribeConfigsOptions().includeSynonyms(true))
        .all()
        .get()
        .get(res);
  }

  private static ConfigEntry entry(Admin admin, ConfigResource res, String key) throws Exception {
    return describe(admin, res).get(key);
  }

  private static String znode(CuratorFramework coordinator, String path) throws Exception {
    return new String(coordinator.getData().forPath(path), StandardCharsets.UTF_8);
  }
}
