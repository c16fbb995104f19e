package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.server.quorum.QuorumPeer.QuorumServer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.flexible.QuorumMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration's text against Apache ZooKeeper 3.9's own classes: what {@code QuorumMaj} writes
 * to {@code /zookeeper/config} and what {@code QuorumPeerConfig} writes to a dynamic config file.
 */
class MembershipTest {
  private static final Map<Integer, String> LINES = new LinkedHashMap<>();

  static {
    LINES.put(1, "127.0.0.1:2888:3888");
    LINES.put(2, "zk-1.zk:2888:3888:participant;2181");
    LINES.put(3, "10.0.0.3:2889:3889;10.0.0.3:2182");
    LINES.put(12, "zk-12.zk:2888:3888:observer;0.0.0.0:2181");
  }

  private static QuorumMaj zookeepers(long version) throws Exception {
    Map<Long, QuorumServer> servers = new LinkedHashMap<>();
    for (Map.Entry<Integer, String> e : LINES.entrySet()) {
      servers.put((long) e.getKey(), new QuorumServer(e.getKey(), e.getValue()));
    }
    QuorumMaj maj = new QuorumMaj(servers);
    maj.setVersion(version);
    return maj;
  }

  private static Membership ours(long version) {
    Map<Integer, ServerSpec> servers = new LinkedHashMap<>();
    LINES.forEach((id, line) -> servers.put(id, ServerSpec.parse(line)));
    return Membership.of(version, servers);
  }

  @Test
  void theConfigNodeTextIsZooKeepers() throws Exception {
    assertThat(ours(0x100000003L).toString()).isEqualTo(zookeepers(0x100000003L).toString());
    assertThat(ours(0).toString()).isEqualTo(zookeepers(0).toString());
  }

  @Test
  void theDynamicFileIsZooKeepers(@TempDir Path dir) throws Exception {
    Path theirs = dir.resolve("zoo.cfg.dynamic.100000003");
    QuorumPeerConfig.writeDynamicConfig(theirs.toString(), zookeepers(0x100000003L), false);
    assertThat(ours(0x100000003L).dynamicFileText()).isEqualTo(Files.readString(theirs));
  }

  @Test
  void theTextReadsBackAndQuorumsAreMajoritiesOfVoters() {
    Membership m = ours(0x200000001L);
    assertThat(Membership.parse(m.toString(), 0)).isEqualTo(m);
    assertThat(m.voters()).containsExactly(1, 2, 3);
    assertThat(m.isQuorum(java.util.List.of(1, 2))).isTrue();
    assertThat(m.isQuorum(java.util.List.of(1, 12, 7))).isFalse();
    assertThat(Membership.parse("server.4=h:1:2;3,server.5=h:4:5;6", 9).voters())
        .containsExactly(4, 5);
  }

  @Test
  void badServerSpecsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> ServerSpec.parse("host:2888"))
        .hasMessageContaining("host:quorumPort:electionPort");
    assertThatThrownBy(() -> ServerSpec.parse("host:2888:3888:voter"))
        .hasMessageContaining("unknown server role 'voter'");
    assertThatThrownBy(() -> ServerSpec.parse("host:2888:99999"))
        .hasMessageContaining("bad port '99999'");
    assertThatThrownBy(() -> Membership.parse("server.300=h:1:2", 0))
        .hasMessageContaining("N in [0, 255]");
  }
}
