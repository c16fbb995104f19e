package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.common.testkit.EngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Debian's zkCli.sh (ZooKeeper 3.8) scripted against the coordinator. */
class ZkCliTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  private static String run(String script) throws Exception {
    return ZkCli.run(coord.engine().connectString(), script);
  }

  @Test
  void createLsGetSetStatDeleteWithEphemeralAndSequentialFlags() throws Exception {
    assumeTrue(ZkCli.installed(), "zkCli.sh is installed by scripts/install-test-peers");
    String out =
        run(
            String.join(
                "\n",
                "create /cli hello",
                "create -e /cli/e eph",
                "create -s /cli/s- x",
                "ls /cli",
                "get /cli",
                "set /cli world",
                "stat /cli",
                "get -s /cli/e",
                "delete /cli/e",
                "ls /cli",
                "create /cli hello",
                "delete /cli"));
    assertThat(out)
        .contains(
            "Created /cli\n",
            "Created /cli/e\n",
            "Created /cli/s-0000000001\n",
            "[e, s-0000000001]",
            "hello\n",
            "dataVersion = 1\n",
            "cversion = 2\n",
            "numChildren = 2\n",
            "dataLength = 5\n",
            "[s-0000000001]\n",
            "Node already exists: /cli",
            "Node not empty: /cli");
    assertThat(out).containsPattern("ephemeralOwner = 0x[0-9a-f]{8,}");
  }
}
