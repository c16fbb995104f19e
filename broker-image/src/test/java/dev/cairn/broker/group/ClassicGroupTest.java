package dev.cairn.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The classic group state machine driven with explicit time. */
class ClassicGroupTest {
  static final ClassicGroup.Settings SETTINGS = new ClassicGroup.Settings(1000, 60_000, 0, 100);
  final ClassicGroup group = new ClassicGroup("g");
  long now = 1000;

  static JoinGroupRequestData join(String memberId, String instanceId) {
    return new JoinGroupRequestData()
        .setGroupId("g")
        .setMemberId(memberId)
        .setGroupInstanceId(instanceId)
        .setSessionTimeoutMs(10_000)
        .setRebalanceTimeoutMs(5_000)
        .setProtocolType("consumer")
        .setProtocols(
            new JoinGroupRequestProtocolCollection(
                List.of(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1}))
                    .iterator()));
  }

  JoinGroupResponseData joinNow(String memberId, String instanceId) {
    return group
        .join(join(memberId, instanceId), "client", "/127.0.0.1", (short) 9, now, SETTINGS)
        .join();
  }

  String joinDynamic() {
    JoinGroupResponseData required = joinNow("", null);
    assertThat(required.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
    return required.memberId();
  }

  void syncAsLeader(String leader, int generation, String... members) {
    SyncGroupRequestData sync =
        new SyncGroupRequestData().setGroupId("g").setMemberId(leader).setGenerationId(generation);
    for (String m : members) {
      sync.assignments()
          .add(new SyncGroupRequestAssignment().setMemberId(m).setAssignment(m.getBytes()));
    }
    assertThat(group.sync(sync, now).join().errorCode()).isZero();
  }

  @Test
  void firstMemberNeedsAMemberIdThenBecomesLeaderAndTheGroupStabilises() {
    String id = joinDynamic();
    JoinGroupResponseData joined = joinNow(id, null);
    assertThat(joined.errorCode()).isZero();
    assertThat(joined.generationId()).isEqualTo(1);
    assertThat(joined.leader()).isEqualTo(id);
    assertThat(joined.protocolName()).isEqualTo("range");
    assertThat(joined.members()).hasSize(1);
    assertThat(group.state).isEqualTo(GroupState.COMPLETING_REBALANCE);
    syncAsLeader(id, 1, id);
    assertThat(group.state).isEqualTo(GroupState.STABLE);
    assertThat(group.heartbeat(id, null, 1, now)).isEqualTo(Errors.NONE);
    assertThat(group.heartbeat(id, null, 0, now)).isEqualTo(Errors.ILLEGAL_GENERATION);
    assertThat(group.heartbeat("stranger", null, 1, now)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
  }

  @Test
  void aMemberWhoseSessionExpiresIsRemovedAndTheOthersRebalance() {
    String a = joinDynamic();
    joinNow(a, null);
    syncAsLeader(a, 1, a);
    String b = joinDynamic();
    CompletableFuture<JoinGroupResponseData> bJoin =
        group.join(join(b, null), "client", "/127.0.0.1", (short) 9, now, SETTINGS);
    assertThat(group.state).isEqualTo(GroupState.PREPARING_REBALANCE);
    assertThat(group.heartbeat(a, null, 1, now)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    JoinGroupResponseData aJoin = joinNow(a, null);
    assertThat(aJoin.generationId()).isEqualTo(2);
    assertThat(bJoin.join().generationId()).isEqualTo(2);
    syncAsLeader(a, 2, a, b);

    now += 8_000;
    assertThat(group.heartbeat(a, null, 2, now)).isEqualTo(Errors.NONE);
    now += 4_000;
    assertThat(group.tick(now)).containsExactly(b);
    assertThat(group.state).isEqualTo(GroupState.PREPARING_REBALANCE);
    JoinGroupResponseData rejoin = joinNow(a, null);
    assertThat(rejoin.generationId()).isEqualTo(3);
    assertThat(rejoin.members()).hasSize(1);
  }

  @Test
  void aStaticMemberRestartingWithANewMemberIdKeepsItsAssignmentWithoutARebalance() {
    JoinGroupResponseData first = joinNow("", "instance-1");
    String oldId = first.memberId();
    assertThat(first.generationId()).isEqualTo(1);
    syncAsLeader(oldId, 1, oldId);

    JoinGroupResponseData restarted = joinNow("", "instance-1");
    assertThat(restarted.errorCode()).isZero();
    assertThat(restarted.memberId()).isNotEqualTo(oldId);
    assertThat(restarted.generationId()).isEqualTo(1);
    assertThat(group.state).isEqualTo(GroupState.STABLE);
    assertThat(group.heartbeat(oldId, "instance-1", 1, now)).isEqualTo(Errors.FENCED_INSTANCE_ID);
    var sync =
        group.sync(
            new SyncGroupRequestData()
                .setGroupId("g")
                .setMemberId(restarted.memberId())
                .setGroupInstanceId("instance-1")
                .setGenerationId(1),
            now);
    assertThat(sync.join().assignment()).isEqualTo(oldId.getBytes());
  }

  @Test
  void theLastMemberLeavingEmptiesTheGroup() {
    String a = joinDynamic();
    joinNow(a, null);
    syncAsLeader(a, 1, a);
    assertThat(group.leave(a, null, now)).isEqualTo(Errors.NONE);
    assertThat(group.state).isEqualTo(GroupState.EMPTY);
    assertThat(group.members).isEmpty();
  }
}
