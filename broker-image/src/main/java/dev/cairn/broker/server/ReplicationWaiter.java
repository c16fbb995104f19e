package dev.cairn.broker.server;

import dev.cairn.broker.replication.Partition;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The acks=all wait, shared by produces and by the coordinators' own appends (transaction state,
 * transaction markers, offset commits): an append is acknowledged once every in-sync replica holds
 * it, i.e. the high watermark of the leadership that took it passed its last offset. Waiters park
 * in the produce purgatory (woken by high-watermark moves), so no thread is held while they wait.
 */
public final class ReplicationWaiter {
  private final ReplicaManager replicas;
  private final Purgatory purgatory;

  public ReplicationWaiter(ReplicaManager replicas, Purgatory purgatory) {
    this.replicas = replicas;
    this.purgatory = purgatory;
  }

  /**
   * Completes with NONE when the ISR holds every offset below {@code end} on {@code appendedTo};
   * NOT_LEADER_OR_FOLLOWER if another leadership (another broker, or this one at a new epoch) took
   * over first, since the records may not survive it; NOT_ENOUGH_REPLICAS_AFTER_APPEND if they
   * replicated but the ISR shrank below {@code min.insync.replicas} (as Kafka); REQUEST_TIMED_OUT
   * after {@code timeoutMs}.
   */
  public CompletableFuture<ApiError> await(
      TopicPartition tp, Partition appendedTo, long end, long timeoutMs) {
    CompletableFuture<ApiError> done = new CompletableFuture<>();
    BooleanSupplier attempt =
        () -> {
          if (leader(tp) != appendedTo) {
            done.complete(
                new ApiError(
                    Errors.NOT_LEADER_OR_FOLLOWER,
                    "Leadership of " + tp + " moved before the records replicated"));
          } else if (!appendedTo.isCommitted(end)) {
            return false;
          } else if (!appendedTo.enoughInSync()) {
            done.complete(
                new ApiError(
                    Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                    "The ISR of " + tp + " shrank below min.insync.replicas"));
          } else {
            done.complete(ApiError.NONE);
          }
          return true;
        };
    if (!attempt.getAsBoolean()) {
      purgatory.park(
          Set.of(tp),
          Math.max(0, timeoutMs),
          attempt,
          () -> done.complete(new ApiError(Errors.REQUEST_TIMED_OUT, null)));
    }
    return done;
  }

  /** As {@link #await} for what {@link ReplicaManager#appendAsLeader} answered. */
  public CompletableFuture<ApiError> await(
      TopicPartition tp, ReplicaManager.Appended appended, long timeoutMs) {
    return await(tp, appended.partition(), appended.info().lastOffset() + 1, timeoutMs);
  }

  /**
   * What a coordinator answers when its own append failed, as Kafka's coordinators map it: the
   * client finds the coordinator again (NOT_COORDINATOR) or retries (COORDINATOR_NOT_AVAILABLE).
   */
  public static Errors coordinatorError(Errors e) {
    return switch (e) {
      case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
      case UNKNOWN_TOPIC_OR_PARTITION,
          NOT_ENOUGH_REPLICAS,
          NOT_ENOUGH_REPLICAS_AFTER_APPEND,
          REQUEST_TIMED_OUT ->
          Errors.COORDINATOR_NOT_AVAILABLE;
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> Errors.UNKNOWN_SERVER_ERROR;
      default -> e;
    };
  }

  private Partition leader(TopicPartition tp) {
    try {
      return replicas.leaderPartition(tp);
    } catch (RuntimeException notLeader) {
      return null;
    }
  }
}
