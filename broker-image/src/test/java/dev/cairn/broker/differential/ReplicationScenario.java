package dev.cairn.broker.differential;

import dev.cairn.broker.ClientProps;
import dev.cairn.common.testkit.Transcript;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The replication script of the differential test, against three brokers (ids 1 to 3) of either
 * server: a topic with replication factor 3 and min.insync.replicas 2 whose ISR, leaders,
 * elections, reassignments and acks=all produces are observed while two followers stop. Broker 1 is
 * never stopped (on Kafka it is the KRaft controller too): the script makes it the leader by a
 * reassignment and a preferred election before the followers go.
 */
final class ReplicationScenario {
  private static final String TOPIC = "replicated";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

  /** Three brokers of one server, and how each stops. */
  interface ThreeBrokers {
    /** host:port of broker {@code id} (1 to 3). */
    String bootstrap(int id);

    /** Stops broker {@code id} as an operator does (SIGTERM, controlled shutdown). */
    void stop(int id) throws Exception;
  }

  private final ThreeBrokers brokers;
  private final Transcript t =
      new Transcript(e -> Scenario.rootCause(e).getClass().getSimpleName());

  private ReplicationScenario(ThreeBrokers brokers) {
    this.brokers = brokers;
  }

  static Transcript run(ThreeBrokers brokers) throws Exception {
    ReplicationScenario s = new ReplicationScenario(brokers);
    ClientProps clients = new ClientProps(brokers.bootstrap(1));
    try (Admin admin = Admin.create(clients.admin())) {
      s.script(admin);
    }
    return s.t;
  }

  private void script(Admin admin) throws Exception {
    t.attempt(
        "create rf 3 min isr 2",
        () -> {
          admin
              .createTopics(
                  List.of(
                      new NewTopic(TOPIC, Map.of(0, List.of(2, 3, 1)))
                          .configs(Map.of("min.insync.replicas", "2"))))
              .all()
              .get();
          return "ok";
        });
    t.record("created", partition(admin, p -> p.isr().size() == 3));
    t.attempt(
        "preferred election, leader preferred", () -> elect(admin, ElectionType.PREFERRED, TP));
    t.attempt(
        "election of an unknown partition",
        () -> elect(admin, ElectionType.PREFERRED, new TopicPartition(TOPIC, 7)));
    t.attempt(
        "reassign to an unknown broker", () -> reassign(admin, Optional.of(List.of(1, 2, 99))));
    t.attempt("cancel, none in progress", () -> reassign(admin, Optional.empty()));

    t.attempt("reassign to 1, 2, 3", () -> reassign(admin, Optional.of(List.of(1, 2, 3))));
    t.record(
        "reassigned",
        partition(admin, p -> ids(p.replicas()).equals(List.of(1, 2, 3)) && p.isr().size() == 3));
    t.attempt(
        "reassignments in progress",
        () -> admin.listPartitionReassignments(Set.of(TP)).reassignments().get().keySet());
    t.attempt("preferred election, 1 preferred", () -> elect(admin, ElectionType.PREFERRED, TP));
    t.record("elected", partition(admin, p -> p.leader() != null && p.leader().id() == 1));
    t.attempt("unclean election, leader alive", () -> elect(admin, ElectionType.UNCLEAN, TP));

    t.attempt("produce acks=all, isr 3", this::produce);
    brokers.stop(3);
    t.record("broker 3 stopped", partition(admin, p -> p.isr().size() == 2));
    t.attempt("produce acks=all, isr 2", this::produce);
    brokers.stop(2);
    t.record("broker 2 stopped", partition(admin, p -> p.isr().size() == 1));
    t.attempt("produce acks=all, isr 1", this::produce);
    t.attempt("preferred election, isr 1", () -> elect(admin, ElectionType.PREFERRED, TP));
  }

  /** The partition as described once {@code settled} holds (or the wait ended). */
  private static String partition(Admin admin, Predicate<TopicPartitionInfo> settled)
      throws Exception {
    TopicPartitionInfo p =
        Scenario.settled(
            () -> {
              TopicDescription d =
                  admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
              return d.partitions().get(0);
            },
            settled);
    return "leader "
        + (p.leader() == null ? "none" : p.leader().id())
        + " replicas "
        + ids(p.replicas())
        + " isr "
        + ids(p.isr()).stream().sorted().toList();
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private static String elect(Admin admin, ElectionType type, TopicPartition tp) throws Exception {
    Optional<Throwable> error = admin.electLeaders(type, Set.of(tp)).partitions().get().get(tp);
    return error.map(e -> "!" + e.getClass().getSimpleName()).orElse("ok");
  }

  private static String reassign(Admin admin, Optional<List<Integer>> target) throws Exception {
    admin
        .alterPartitionReassignments(Map.of(TP, target.map(NewPartitionReassignment::new)))
        .all()
        .get();
    return "ok";
  }

  /** One acks=all produce to the leader, broker 1, as its error code and base offset. */
  private String produce() throws Exception {
    try (RawKafkaClient raw = RawKafkaClient.to(brokers.bootstrap(1))) {
      return RawRequests.produce(
          raw, TOPIC, 0, MemoryRecords.withRecords(Compression.NONE, RawRequests.rec("v")));
    }
  }
}
