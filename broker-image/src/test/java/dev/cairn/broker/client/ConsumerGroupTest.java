package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.SingleBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer groups with the classic protocol: subscribe, commit, rebalance, restart. */
class ConsumerGroupTest {
  @RegisterExtension static final SingleBroker broker = new SingleBroker();

  private static void produce(String topic, int partitions, int perPartition) throws Exception {
    try (Admin admin = Admin.create(broker.admin())) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      for (int part = 0; part < partitions; part++) {
        for (int i = 0; i < perPartition; i++) {
          p.send(new ProducerRecord<>(topic, part, "k", part + ":" + i));
        }
      }
      p.flush();
    }
  }

  @Test
  void manualCommitSurvivesABrokerRestartAndResumesAfterTheCommittedOffset() throws Exception {
    produce("commits", 1, 10);
    Properties props = broker.consumer("resume");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> first = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.subscribe(List.of("commits"));
      long deadline = System.currentTimeMillis() + 20_000;
      while (first.size() < 10 && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> first.add(r.value()));
      }
      c.commitSync(Map.of(new TopicPartition("commits", 0), new OffsetAndMetadata(6, "m")));
    }
    assertThat(first).hasSize(10);

    broker.restart();

    props = broker.consumer("resume");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> second = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      assertThat(c.committed(Set.of(new TopicPartition("commits", 0))))
          .containsEntry(new TopicPartition("commits", 0), new OffsetAndMetadata(6, "m"));
      c.subscribe(List.of("commits"));
      long deadline = System.currentTimeMillis() + 20_000;
      while (second.size() < 4 && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(r -> second.add(r.value()));
      }
    }
    assertThat(second).containsExactly("0:6", "0:7", "0:8", "0:9");
  }

  @Test
  void threeConsumersShareSixPartitionsAndRebalanceWhenOneLeaves() throws Exception {
    produce("shared", 6, 5);
    Map<String, Set<TopicPartition>> assignment = new ConcurrentHashMap<>();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<AtomicBoolean> running = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int i = 0; i < 3; i++) {
        String name = "c" + i;
        AtomicBoolean run = new AtomicBoolean(true);
        running.add(run);
        pool.execute(() -> {
          Properties props = broker.consumer("sharing");
          props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
          props.put("session.timeout.ms", "6000");
          props.put("heartbeat.interval.ms", "500");
          try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
            c.subscribe(List.of("shared"));
            while (run.get()) {
              c.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
              assignment.put(name, new HashSet<>(c.assignment()));
            }
          }
          assignment.remove(name);
        });
      }
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() ->
              assignment.size() == 3
                  && assignment.values().stream().allMatch(s -> s.size() == 2)
                  && seen.size() == 30);
      running.get(0).set(false);
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() ->
              assignment.size() == 2
                  && assignment.values().stream().mapToInt(Set::size).sum() == 6
                  && assignment.values().stream().allMatch(s -> s.size() == 3));
    } finally {
      running.forEach(r -> r.set(false));
      pool.shutdown();
      pool.awaitTermination(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aKilledMembersPartitionsMoveToTheOthersAfterItsSessionExpires() throws Exception {
    produce("killed", 6, 1);
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process doomed =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                GroupMemberProcess.class.getName(),
                broker.bootstrap(),
                "survivors",
                "killed")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Map<String, Set<TopicPartition>> assignment = new ConcurrentHashMap<>();
    AtomicBoolean run = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 2; i++) {
        String name = "s" + i;
        pool.execute(() -> {
          Properties props = broker.consumer("survivors");
          props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
          props.put("session.timeout.ms", "6000");
          props.put("heartbeat.interval.ms", "500");
          try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
            c.subscribe(List.of("killed"));
            while (run.get()) {
              c.poll(Duration.ofMillis(100));
              assignment.put(name, new HashSet<>(c.assignment()));
            }
          }
        });
      }
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() ->
              assignment.size() == 2 && assignment.values().stream().allMatch(s -> s.size() == 2));
      doomed.destroyForcibly().waitFor();
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() -> assignment.values().stream().allMatch(s -> s.size() == 3));
    } finally {
      doomed.destroyForcibly();
      run.set(false);
      pool.shutdown();
      pool.awaitTermination(20, TimeUnit.SECONDS);
    }
  }
}
