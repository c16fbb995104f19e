package dev.cairn.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.operator.common.ClusterRef;
import dev.cairn.operator.common.Storage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerWorkloadTest {
  static BrokerCluster cluster() {
    BrokerCluster b = new BrokerCluster();
    b.setMetadata(new ObjectMetaBuilder().withName("kafka").withNamespace("ns").build());
    return b;
  }

  @Test
  void jbodLogDirsBecomeOneVolumeEachAndLogDirsLists() {
    BrokerCluster b = cluster();
    b.getSpec().storage.logDirs = List.of(new Storage("10Gi", "fast"), new Storage("20Gi", null));
    StatefulSet sts = new BrokerStatefulSet().desired(b, null);
    assertThat(sts.getSpec().getVolumeClaimTemplates())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("data-0", "data-1");
    assertThat(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
        .isEqualTo("fast");
    String props = new BrokerConfigMap().desired(b, null).getData().get("server.properties");
    assertThat(props)
        .contains("log.dirs=/var/lib/cairn/data-0/log,/var/lib/cairn/data-1/log\n")
        .contains("listeners=PLAINTEXT://0.0.0.0:9092\n")
        .contains("cairn.admin.port=9404\n")
        .doesNotContain("zookeeper.connect");
  }

  @Test
  void podSpecificSettingsArriveAsOverridesFromTheDownwardApi() {
    BrokerCluster b = cluster();
    b.getSpec().rackTopologyKey = "topology.kubernetes.io/zone";
    Container c =
        new BrokerStatefulSet()
            .desired(b, null)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getArgs())
        .containsExactly(
            "/etc/cairn/server.properties",
            "--override",
            "broker.id=$(POD_INDEX)",
            "--override",
            "advertised.listeners=PLAINTEXT://$(POD_IP):9092",
            "--override",
            "broker.rack=$(BROKER_RACK)");
    assertThat(c.getEnv())
        .anyMatch(e ->
            e.getName().equals("BROKER_RACK")
                && e.getValueFrom()
                    .getFieldRef()
                    .getFieldPath()
                    .equals("metadata.labels['topology.kubernetes.io/zone']"));
  }

  @Test
  void severalBrokersReplicateTheOffsetsTopicUnlessTheUserChoseOtherwise() {
    BrokerCluster b = cluster();
    b.getSpec().ensembleRef = new ClusterRef("zk");
    assertThat(new BrokerConfigMap().desired(b, null).getData().get("server.properties"))
        .doesNotContain("offsets.topic.replication.factor");
    b.getSpec().replicas = 5;
    assertThat(new BrokerConfigMap().desired(b, null).getData().get("server.properties"))
        .contains("offsets.topic.replication.factor=3\n");
    b.getSpec().config = java.util.Map.of("offsets.topic.replication.factor", "2");
    assertThat(new BrokerConfigMap().desired(b, null).getData().get("server.properties"))
        .contains("offsets.topic.replication.factor=2\n")
        .doesNotContain("offsets.topic.replication.factor=3");
  }

  @Test
  void ensembleRefBecomesZookeeperConnectThroughItsClientService() {
    BrokerCluster b = cluster();
    b.getSpec().ensembleRef = new ClusterRef("zk");
    assertThat(new BrokerConfigMap().desired(b, null).getData().get("server.properties"))
        .contains("zookeeper.connect=zk.ns.svc:2181\n");
    assertThat(BrokerWorkload.bootstrapServers(b)).isEqualTo("kafka.ns.svc:9092");
  }

  @Test
  void duplicateListenersAndReservedKeysAreRejected() {
    BrokerCluster b = cluster();
    b.getSpec().listeners = List.of(new Listener("A", 9092), new Listener("B", 9092));
    assertThatThrownBy(b::workload).hasMessageContaining("port 9092 is used twice");
    BrokerCluster c = cluster();
    c.getSpec().config = Map.of("log.dirs", "/x");
    assertThatThrownBy(c::workload).hasMessageContaining("use spec.storage.logDirs");
  }
}
