package dev.cairn.broker.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.SchemaException;

/**
 * One consumer group under the classic protocol (see {@link GroupState} for the transitions):
 * members, generation, chosen protocol, leader, and the group's committed offsets.
 *
 * <p>Rebalance: a join that changes membership or protocols moves the group to PreparingRebalance;
 * the JoinGroup responses go out when every member has rejoined (and, for a group that was empty,
 * {@code group.initial.rebalance.delay.ms} has passed) or when the largest rebalance timeout
 * expires — members that did not rejoin are removed. The generation then grows by one, the protocol
 * every member supports with the most first-choice votes is chosen, and only the leader receives
 * the member list; the leader's SyncGroup hands out assignments and the group becomes Stable.
 *
 * <p>Members are kept alive by heartbeats, joins and syncs ({@code session.timeout.ms}); a member
 * parked in a JoinGroup or SyncGroup is not expired. Static members ({@code group.instance.id})
 * that rejoin with a new member id while the group is Stable and their protocols are unchanged take
 * over their old identity and assignment without a rebalance; the old member id is fenced
 * (FENCED_INSTANCE_ID).
 *
 * <p>Not thread-safe: the coordinator holds the group's monitor around every call. Time comes in as
 * arguments.
 */
final class ClassicGroup {
  final String groupId;
  GroupState state = GroupState.EMPTY;
  int generationId;
  String protocolType;
  String protocolName;
  String leaderId;
  final Map<String, GroupMember> members = new LinkedHashMap<>();
  final Map<String, String> staticMembers = new HashMap<>();
  final Map<String, Long> pendingMembers = new HashMap<>();
  final GroupOffsets offsets = new GroupOffsets();
  private long rebalanceDeadlineMs;
  private long initialDelayDeadlineMs;

  ClassicGroup(String groupId) {
    this.groupId = groupId;
  }

  /** Whether the members speak the consumer protocol (or there are none), as Kafka checks it. */
  boolean usesConsumerProtocol() {
    return protocolType == null || ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
  }

  /**
   * Whether a member of this generation subscribes to {@code topic}, read from the consumer
   * protocol metadata of the chosen protocol; false for other protocols or unreadable metadata, as
   * Kafka's subscribedTopics is then unknown.
   */
  boolean isSubscribedTo(String topic) {
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
      return false;
    }
    try {
      for (GroupMember m : members.values()) {
        byte[] metadata = m.protocols.get(protocolName);
        if (metadata != null
            && ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata))
                .topics()
                .contains(topic)) {
          return true;
        }
      }
    } catch (SchemaException e) {
      return false;
    }
    return false;
  }

  /** Group settings from the broker config. */
  record Settings(int minSessionMs, int maxSessionMs, int initialDelayMs, int maxSize) {
    boolean allowsSessionTimeout(int ms) {
      return ms >= minSessionMs && ms <= maxSessionMs;
    }
  }

  /** A join whose session timeout {@link Settings#allowsSessionTimeout} has already accepted. */
  CompletableFuture<JoinGroupResponseData> join(
      JoinGroupRequestData req, String clientId, String host, short version, long now, Settings s) {
    if (state != GroupState.EMPTY
        && (!req.protocolType().equals(protocolType) || !supportsAny(req))) {
      return CompletableFuture.completedFuture(
          error(Errors.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
    }
    String memberId = req.memberId();
    String instanceId = req.groupInstanceId();
    if (memberId.isEmpty()) {
      String newId = clientId + "-" + UUID.randomUUID();
      if (instanceId != null && staticMembers.containsKey(instanceId)) {
        return rejoinStatic(req, staticMembers.get(instanceId), newId, now);
      }
      if (instanceId == null && version >= 4) {
        pendingMembers.put(newId, now + req.sessionTimeoutMs());
        return CompletableFuture.completedFuture(error(Errors.MEMBER_ID_REQUIRED, newId));
      }
      if (members.size() >= s.maxSize()) {
        return CompletableFuture.completedFuture(error(Errors.GROUP_MAX_SIZE_REACHED, ""));
      }
      return addMember(req, newId, clientId, host, now, s);
    }
    if (pendingMembers.remove(memberId) != null) {
      if (members.size() >= s.maxSize()) {
        return CompletableFuture.completedFuture(error(Errors.GROUP_MAX_SIZE_REACHED, memberId));
      }
      return addMember(req, memberId, clientId, host, now, s);
    }
    GroupMember m = members.get(memberId);
    if (m == null) {
      return CompletableFuture.completedFuture(error(Errors.UNKNOWN_MEMBER_ID, memberId));
    }
    if (instanceId != null && !memberId.equals(staticMembers.get(instanceId))) {
      return CompletableFuture.completedFuture(error(Errors.FENCED_INSTANCE_ID, memberId));
    }
    m.sessionTimeoutMs = req.sessionTimeoutMs();
    m.rebalanceTimeoutMs = rebalanceTimeout(req);
    m.heartbeat(now);
    Map<String, byte[]> protocols = protocolsOf(req);
    boolean changed = !sameProtocols(m.protocols, protocols);
    m.protocols = protocols;
    if (m.awaitingJoin != null) {
      m.awaitingJoin.complete(error(Errors.UNKNOWN_MEMBER_ID, memberId));
    }
    m.awaitingJoin = new CompletableFuture<>();
    CompletableFuture<JoinGroupResponseData> result = m.awaitingJoin;
    if (state == GroupState.STABLE && !changed && !memberId.equals(leaderId)) {
      m.awaitingJoin = null;
      result.complete(joinResponse(m, false));
      return result;
    }
    if (state != GroupState.PREPARING_REBALANCE) {
      prepareRebalance(now, s);
    }
    maybeCompleteJoin(now);
    return result;
  }

  private CompletableFuture<JoinGroupResponseData> addMember(
      JoinGroupRequestData req,
      String memberId,
      String clientId,
      String host,
      long now,
      Settings s) {
    GroupMember m = new GroupMember(memberId, req.groupInstanceId(), clientId, host);
    m.sessionTimeoutMs = req.sessionTimeoutMs();
    m.rebalanceTimeoutMs = rebalanceTimeout(req);
    m.protocols = protocolsOf(req);
    m.heartbeat(now);
    m.awaitingJoin = new CompletableFuture<>();
    if (members.isEmpty()) {
      protocolType = req.protocolType();
    }
    members.put(memberId, m);
    if (m.groupInstanceId != null) {
      staticMembers.put(m.groupInstanceId, memberId);
    }
    CompletableFuture<JoinGroupResponseData> result = m.awaitingJoin;
    if (state != GroupState.PREPARING_REBALANCE) {
      prepareRebalance(now, s);
    }
    maybeCompleteJoin(now);
    return result;
  }

  private CompletableFuture<JoinGroupResponseData> rejoinStatic(
      JoinGroupRequestData req, String oldId, String newId, long now) {
    GroupMember old = members.remove(oldId);
    GroupMember m = new GroupMember(newId, req.groupInstanceId(), old.clientId, old.clientHost);
    m.sessionTimeoutMs = req.sessionTimeoutMs();
    m.rebalanceTimeoutMs = rebalanceTimeout(req);
    m.protocols = protocolsOf(req);
    m.assignment = old.assignment;
    m.heartbeat(now);
    members.put(newId, m);
    staticMembers.put(req.groupInstanceId(), newId);
    if (leaderId != null && leaderId.equals(oldId)) {
      leaderId = newId;
    }
    fence(old);
    boolean unchanged = sameProtocols(old.protocols, m.protocols);
    if (state == GroupState.STABLE && unchanged) {
      return CompletableFuture.completedFuture(joinResponse(m, false));
    }
    m.awaitingJoin = new CompletableFuture<>();
    CompletableFuture<JoinGroupResponseData> result = m.awaitingJoin;
    if (state != GroupState.PREPARING_REBALANCE) {
      prepareRebalance(now, new Settings(0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE));
    }
    maybeCompleteJoin(now);
    return result;
  }

  private static void fence(GroupMember old) {
    if (old.awaitingJoin != null) {
      old.awaitingJoin.complete(
          new JoinGroupResponseData()
              .setErrorCode(Errors.FENCED_INSTANCE_ID.code())
              .setMemberId(old.memberId)
              .setGenerationId(-1)
              .setProtocolName("")
              .setLeader(""));
    }
    if (old.awaitingSync != null) {
      old.awaitingSync.complete(
          new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
    }
  }

  private static int rebalanceTimeout(JoinGroupRequestData req) {
    return req.rebalanceTimeoutMs() > 0 ? req.rebalanceTimeoutMs() : req.sessionTimeoutMs();
  }

  private void prepareRebalance(long now, Settings s) {
    boolean initial = state == GroupState.EMPTY;
    state = GroupState.PREPARING_REBALANCE;
    int maxRebalance =
        members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    rebalanceDeadlineMs = now + maxRebalance;
    initialDelayDeadlineMs = initial ? now + s.initialDelayMs() : now;
    for (GroupMember m : members.values()) {
      if (m.awaitingSync != null) {
        m.awaitingSync.complete(
            new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
        m.awaitingSync = null;
      }
    }
  }

  /** Starts a rebalance from outside a join (a member left or expired). */
  void rebalanceAfterDeparture(long now) {
    if (members.isEmpty()) {
      state = GroupState.EMPTY;
      generationId++;
      protocolName = null;
      leaderId = null;
      return;
    }
    if (state != GroupState.PREPARING_REBALANCE) {
      prepareRebalance(now, new Settings(0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE));
    }
  }

  /** Completes the join phase if everyone rejoined (after the initial delay) or time is up. */
  void maybeCompleteJoin(long now) {
    if (state != GroupState.PREPARING_REBALANCE) {
      return;
    }
    boolean allJoined = members.values().stream().allMatch(m -> m.awaitingJoin != null);
    if (!(allJoined && now >= initialDelayDeadlineMs) && now < rebalanceDeadlineMs) {
      return;
    }
    members
        .values()
        .removeIf(m -> {
          if (m.awaitingJoin == null) {
            if (m.groupInstanceId != null) {
              staticMembers.remove(m.groupInstanceId);
            }
            return true;
          }
          return false;
        });
    generationId++;
    if (members.isEmpty()) {
      state = GroupState.EMPTY;
      protocolName = null;
      leaderId = null;
      return;
    }
    protocolName = selectProtocol();
    if (leaderId == null || !members.containsKey(leaderId)) {
      leaderId = members.keySet().iterator().next();
    }
    state = GroupState.COMPLETING_REBALANCE;
    for (GroupMember m : members.values()) {
      CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
      m.awaitingJoin = null;
      m.heartbeat(now);
      f.complete(joinResponse(m, m.memberId.equals(leaderId)));
    }
  }

  private JoinGroupResponseData joinResponse(GroupMember m, boolean withMembers) {
    JoinGroupResponseData r =
        new JoinGroupResponseData()
            .setGenerationId(generationId)
            .setProtocolType(protocolType)
            .setProtocolName(protocolName)
            .setLeader(leaderId)
            .setMemberId(m.memberId);
    if (withMembers) {
      List<JoinGroupResponseMember> list = new ArrayList<>();
      for (GroupMember other : members.values()) {
        list.add(
            new JoinGroupResponseMember()
                .setMemberId(other.memberId)
                .setGroupInstanceId(other.groupInstanceId)
                .setMetadata(other.protocols.get(protocolName)));
      }
      r.setMembers(list);
    }
    return r;
  }

  static JoinGroupResponseData error(Errors error, String memberId) {
    return new JoinGroupResponseData()
        .setErrorCode(error.code())
        .setMemberId(memberId)
        .setGenerationId(-1)
        .setProtocolName("")
        .setLeader("");
  }

  private String selectProtocol() {
    List<String> candidates = new ArrayList<>();
    GroupMember first = members.values().iterator().next();
    for (String p : first.protocols.keySet()) {
      if (members.values().stream().allMatch(m -> m.protocols.containsKey(p))) {
        candidates.add(p);
      }
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    candidates.forEach(c -> votes.put(c, 0));
    for (GroupMember m : members.values()) {
      for (String p : m.protocols.keySet()) {
        if (votes.containsKey(p)) {
          votes.merge(p, 1, Integer::sum);
          break;
        }
      }
    }
    return votes.entrySet().stream()
        .max((a, b) -> Integer.compare(a.getValue(), b.getValue()))
        .map(Map.Entry::getKey)
        .orElseThrow();
  }

  private boolean supportsAny(JoinGroupRequestData req) {
    for (JoinGroupRequestData.JoinGroupRequestProtocol p : req.protocols()) {
      if (members.values().stream().allMatch(m -> m.protocols.containsKey(p.name()))) {
        return true;
      }
    }
    return members.isEmpty();
  }

  private static Map<String, byte[]> protocolsOf(JoinGroupRequestData req) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    req.protocols().forEach(p -> m.put(p.name(), p.metadata()));
    return m;
  }

  private static boolean sameProtocols(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (var e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Checks member, instance id and generation; returns NONE or the error to answer. */
  Errors validateMember(String memberId, String instanceId, int generation) {
    if (instanceId != null
        && staticMembers.containsKey(instanceId)
        && !Objects.equals(staticMembers.get(instanceId), memberId)) {
      return Errors.FENCED_INSTANCE_ID;
    }
    if (!members.containsKey(memberId)) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (generation != generationId) {
      return Errors.ILLEGAL_GENERATION;
    }
    return Errors.NONE;
  }

  CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req, long now) {
    Errors e = validateMember(req.memberId(), req.groupInstanceId(), req.generationId());
    if (e != Errors.NONE) {
      return CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(e.code()));
    }
    GroupMember m = members.get(req.memberId());
    m.heartbeat(now);
    switch (state) {
      case PREPARING_REBALANCE -> {
        return CompletableFuture.completedFuture(
            new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
      }
      case STABLE -> {
        return CompletableFuture.completedFuture(syncResponse(m));
      }
      case COMPLETING_REBALANCE -> {
        m.awaitingSync = new CompletableFuture<>();
        CompletableFuture<SyncGroupResponseData> result = m.awaitingSync;
        if (req.memberId().equals(leaderId)) {
          Map<String, byte[]> assignments = new HashMap<>();
          req.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
          for (GroupMember member : members.values()) {
            member.assignment = assignments.getOrDefault(member.memberId, new byte[0]);
          }
          state = GroupState.STABLE;
          for (GroupMember member : members.values()) {
            if (member.awaitingSync != null) {
              member.awaitingSync.complete(syncResponse(member));
              member.awaitingSync = null;
            }
          }
        }
        return result;
      }
      default -> {
        return CompletableFuture.completedFuture(
            new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
      }
    }
  }

  private SyncGroupResponseData syncResponse(GroupMember m) {
    return new SyncGroupResponseData()
        .setProtocolType(protocolType)
        .setProtocolName(protocolName)
        .setAssignment(m.assignment);
  }

  Errors heartbeat(String memberId, String instanceId, int generation, long now) {
    if (state == GroupState.EMPTY) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    Errors e = validateMember(memberId, instanceId, generation);
    if (e != Errors.NONE) {
      return e;
    }
    members.get(memberId).heartbeat(now);
    return state == GroupState.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
  }

  /** A member leaves (LeaveGroup); by member id, or by instance id for static members. */
  Errors leave(String memberId, String instanceId, long now) {
    String id = memberId;
    if (instanceId != null) {
      String known = staticMembers.get(instanceId);
      if (known == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      if (!memberId.isEmpty() && !memberId.equals(known)) {
        return Errors.FENCED_INSTANCE_ID;
      }
      id = known;
    }
    GroupMember m = members.remove(id);
    if (m == null) {
      return pendingMembers.remove(id) != null ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }
    remove(m, now);
    return Errors.NONE;
  }

  private void remove(GroupMember m, long now) {
    if (m.groupInstanceId != null) {
      staticMembers.remove(m.groupInstanceId);
    }
    if (m.awaitingJoin != null) {
      m.awaitingJoin.complete(error(Errors.UNKNOWN_MEMBER_ID, m.memberId));
    }
    if (m.awaitingSync != null) {
      m.awaitingSync.complete(
          new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
    }
    rebalanceAfterDeparture(now);
    maybeCompleteJoin(now);
  }

  /** Expires members whose session ended and completes a timed-out join phase. */
  List<String> tick(long now) {
    List<String> expired = new ArrayList<>();
    pendingMembers.values().removeIf(deadline -> deadline < now);
    for (GroupMember m : List.copyOf(members.values())) {
      boolean parked = m.awaitingJoin != null || m.awaitingSync != null;
      if (!parked && m.deadlineMs < now) {
        members.remove(m.memberId);
        expired.add(m.memberId);
        remove(m, now);
      }
    }
    maybeCompleteJoin(now);
    return expired;
  }
}
