package dev.cairn.broker.group;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: identity, timeouts, the protocols it offered (name → metadata, in
 * preference order), its assignment, and the JoinGroup / SyncGroup responses it is waiting for.
 * Guarded by its group's lock.
 */
final class GroupMember {
  final String memberId;
  final String groupInstanceId;
  final String clientId;
  final String clientHost;
  int sessionTimeoutMs;
  int rebalanceTimeoutMs;
  Map<String, byte[]> protocols = new LinkedHashMap<>();
  byte[] assignment = new byte[0];
  CompletableFuture<JoinGroupResponseData> awaitingJoin;
  CompletableFuture<SyncGroupResponseData> awaitingSync;
  long deadlineMs;

  GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
  }

  void heartbeat(long nowMs) {
    deadlineMs = nowMs + sessionTimeoutMs;
  }
}
