package dev.cairn.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.common.PodView;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SentinelReset#plan}: a sentinel is reset only after a completed scale-down, one at a time,
 * and never while any sentinel is still finding the replicas and the other sentinels again.
 */
class SentinelResetTest {
  private static final String MASTER = "10.0.0.1";
  private static final Set<String> SERVERS = Set.of(MASTER, "10.0.0.2");
  private static final Set<String> LIVE = Set.of("10.0.0.2");
  private static final Set<String> SENTINELS = Set.of("10.0.1.1", "10.0.1.2", "10.0.1.3");

  @Test
  void resetsOneSentinelThatListsARemovedReplicaDown() {
    List<SentinelSight> sights =
        List.of(
            sight(1, "master", List.of(up("10.0.0.2"), down("10.0.0.3"))),
            sight(2, "master", List.of(up("10.0.0.2"), down("10.0.0.3"))),
            sight(3, "master", List.of(up("10.0.0.2"))));
    SentinelReset plan = plan(sights);
    assertThat(plan.unsettled()).isNull();
    assertThat(plan.reset().pod().name()).isEqualTo("s-1");
    assertThat(plan.removed()).isEqualTo("10.0.0.3");
  }

  @Test
  void waitsWhileASentinelJustResetHasNotFoundTheOthersAgain() {
    List<SentinelSight> sights = firstAnd(sight(1, "master", List.of(up("10.0.0.2")), List.of()));
    SentinelReset plan = plan(sights);
    assertThat(plan.reset()).isNull();
    assertThat(plan.unsettled()).startsWith("sentinel s-1 does not know the sentinel 10.0.1.");
  }

  @Test
  void waitsWhileASentinelHasNotReadALiveReplicasInfo() {
    Map<String, String> unread =
        Map.of("ip", "10.0.0.2", "flags", "slave", "master-link-status", "err");
    List<SentinelSight> sights = firstAnd(sight(1, "master", List.of(unread)));
    SentinelReset plan = plan(sights);
    assertThat(plan.reset()).isNull();
    assertThat(plan.unsettled()).contains("replica 10.0.0.2");
  }

  @Test
  void neverDuringAFailoverNorBeforeTheScaleDownCompletedNorWithASentinelSilent() {
    List<Map<String, String>> stale = List.of(up("10.0.0.2"), down("10.0.0.3"));
    List<SentinelSight> failingOver = firstAnd(sight(1, "master,failover_in_progress", stale));
    assertThat(plan(failingOver))
        .isEqualTo(
            new SentinelReset(
                "sentinel s-1 flags the master master,failover_in_progress", null, null));
    List<SentinelSight> all = firstAnd(sight(1, "master", stale));
    assertThat(SentinelReset.plan(all, 3, MASTER, SERVERS, false, LIVE, SENTINELS).reset())
        .isNull();
    assertThat(
            SentinelReset.plan(all.subList(0, 2), 3, MASTER, SERVERS, true, LIVE, SENTINELS)
                .reset())
        .isNull();
  }

  @Test
  void aReplicaDownAtAServerPodsAddressIsRestartingNotRemoved() {
    Set<String> servers = Set.of(MASTER, "10.0.0.2", "10.0.0.3");
    List<Map<String, String>> replicas = List.of(up("10.0.0.2"), down("10.0.0.3"));
    List<SentinelSight> sights =
        List.of(
            sight(1, "master", replicas),
            sight(2, "master", replicas),
            sight(3, "master", replicas));
    assertThat(SentinelReset.plan(sights, 3, MASTER, servers, true, LIVE, SENTINELS))
        .isEqualTo(new SentinelReset(null, null, null));
  }

  /** Every server pod ready and online, all three sentinels answered. */
  private static SentinelReset plan(List<SentinelSight> sights) {
    return SentinelReset.plan(sights, 3, MASTER, SERVERS, true, LIVE, SENTINELS);
  }

  /** Sentinel 1 as given; 2 and 3 settled, still listing the removed 10.0.0.3. */
  private static List<SentinelSight> firstAnd(SentinelSight first) {
    List<Map<String, String>> stale = List.of(up("10.0.0.2"), down("10.0.0.3"));
    return List.of(first, sight(2, "master", stale), sight(3, "master", stale));
  }

  private static SentinelSight sight(int n, String flags, List<Map<String, String>> replicas) {
    List<Map<String, String>> others =
        SENTINELS.stream()
            .filter(ip -> !ip.equals("10.0.1." + n))
            .map(ip -> Map.of("ip", ip, "flags", "sentinel"))
            .toList();
    return sight(n, flags, replicas, others);
  }

  private static SentinelSight sight(
      int n, String flags, List<Map<String, String>> replicas, List<Map<String, String>> others) {
    PodView pod = new PodView("s-" + n, n, true, "h", "img", false, "10.0.1." + n);
    return new SentinelSight(pod, Map.of("ip", MASTER, "flags", flags), replicas, others);
  }

  private static Map<String, String> up(String ip) {
    return Map.of("ip", ip, "flags", "slave", "master-link-status", "ok");
  }

  private static Map<String, String> down(String ip) {
    return Map.of("ip", ip, "flags", "slave,s_down,disconnected", "master-link-status", "err");
  }
}
