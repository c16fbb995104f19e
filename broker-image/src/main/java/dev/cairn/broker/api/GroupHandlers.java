package dev.cairn.broker.api;

import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.group.GroupCoordinator.GroupSummary;
import dev.cairn.broker.group.GroupCoordinator.MemberSummary;
import dev.cairn.broker.group.GroupState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic group protocol's APIs, each a thin translation to {@link GroupCoordinator}:
 * JoinGroup, SyncGroup, Heartbeat, LeaveGroup, ListGroups, DescribeGroups, DeleteGroups.
 */
public final class GroupHandlers {
  private final GroupCoordinator groups;

  public GroupHandlers(GroupCoordinator groups) {
    this.groups = groups;
  }

  public ApiHandler<JoinGroupRequestData> join() {
    return (ctx, r) ->
        groups.join(r, ctx.clientId(), "/" + ctx.clientAddress().getHostAddress(), ctx.version());
  }

  public ApiHandler<SyncGroupRequestData> sync() {
    return (ctx, r) -> groups.sync(r);
  }

  public ApiHandler<HeartbeatRequestData> heartbeat() {
    return (ctx, r) ->
        CompletableFuture.completedFuture(
            new HeartbeatResponseData()
                .setErrorCode(
                    groups
                        .heartbeat(r.groupId(), r.memberId(), r.groupInstanceId(), r.generationId())
                        .code()));
  }

  public ApiHandler<LeaveGroupRequestData> leave() {
    return (ctx, r) -> {
      LeaveGroupResponseData response = new LeaveGroupResponseData();
      Errors owner = groups.ownership(r.groupId());
      if (owner != Errors.NONE) {
        return CompletableFuture.completedFuture(response.setErrorCode(owner.code()));
      }
      if (ctx.version() < 3) {
        Errors e = groups.leave(r.groupId(), r.memberId(), null);
        return CompletableFuture.completedFuture(response.setErrorCode(e.code()));
      }
      for (LeaveGroupRequestData.MemberIdentity m : r.members()) {
        Errors e = groups.leave(r.groupId(), m.memberId(), m.groupInstanceId());
        response
            .members()
            .add(
                new MemberResponse()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setErrorCode(e.code()));
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  public ApiHandler<ListGroupsRequestData> list() {
    return (ctx, r) -> {
      ListGroupsResponseData response = new ListGroupsResponseData();
      for (GroupSummary g : groups.list()) {
        boolean stateOk =
            r.statesFilter().isEmpty()
                || r.statesFilter().stream().anyMatch(s -> s.equalsIgnoreCase(g.state()));
        boolean typeOk =
            r.typesFilter().isEmpty()
                || r.typesFilter().stream().anyMatch(t -> t.equalsIgnoreCase("classic"));
        if (stateOk && typeOk) {
          response
              .groups()
              .add(
                  new ListedGroup()
                      .setGroupId(g.groupId())
                      .setProtocolType(g.protocolType())
                      .setGroupState(g.state())
                      .setGroupType("classic"));
        }
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  public ApiHandler<DescribeGroupsRequestData> describe() {
    return (ctx, r) -> {
      DescribeGroupsResponseData response = new DescribeGroupsResponseData();
      for (String id : r.groups()) {
        DescribedGroup d = new DescribedGroup().setGroupId(id);
        Errors owner = groups.ownership(id);
        if (owner != Errors.NONE) {
          response
              .groups()
              .add(
                  d.setErrorCode(owner.code())
                      .setGroupState("")
                      .setProtocolType("")
                      .setProtocolData(""));
          continue;
        }
        GroupSummary g = groups.describe(id);
        if (ctx.version() >= 6 && g.state().equals(GroupState.DEAD.kafkaName())) {
          // KIP-1043: from v6 an unknown (or deleted) group is an error, not a Dead group.
          response
              .groups()
              .add(
                  d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                      .setErrorMessage("Group " + id + " not found."));
          continue;
        }
        d.setGroupState(g.state()).setProtocolType(g.protocolType()).setProtocolData(g.protocol());
        if (r.includeAuthorizedOperations()) {
          d.setAuthorizedOperations(AuthorizedOperations.GROUP);
        }
        for (MemberSummary m : g.members()) {
          d.members()
              .add(
                  new DescribedGroupMember()
                      .setMemberId(m.memberId())
                      .setGroupInstanceId(m.groupInstanceId())
                      .setClientId(m.clientId())
                      .setClientHost(m.clientHost())
                      .setMemberMetadata(m.metadata())
                      .setMemberAssignment(m.assignment()));
        }
        response.groups().add(d);
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  public ApiHandler<DeleteGroupsRequestData> delete() {
    return (ctx, r) -> {
      DeleteGroupsResponseData response = new DeleteGroupsResponseData();
      List<CompletableFuture<Void>> deleted = new ArrayList<>();
      for (String id : r.groupsNames()) {
        DeletableGroupResult result = new DeletableGroupResult().setGroupId(id);
        response.results().add(result);
        // Each answered once the ISR holds its tombstones.
        deleted.add(groups.delete(id).thenAccept(e -> result.setErrorCode(e.code())));
      }
      return CompletableFuture.allOf(deleted.toArray(new CompletableFuture<?>[0]))
          .thenApply(v -> response);
    };
  }
}
