package dev.cairn.broker.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.common.testkit.Transcript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test of replication: {@link ReplicationScenario} against three Apache Kafka
 * brokers (KRaft, node 1 also the controller) and against three Cairn brokers on one coordinator;
 * every observation (ISR as followers stop, leaders after elections, reassignment and election
 * results, acks=all produces down to NOT_ENOUGH_REPLICAS) must be equal.
 */
class ReplicatedKafkaDifferentialTest {
  /** Both servers: no group traffic here, so the internal topics stay small. */
  private static final Map<String, String> SETTINGS =
      Map.of("offsets.topic.replication.factor", "1", "group.initial.rebalance.delay.ms", "0");

  @TempDir Path dir;

  @Test
  void threeKafkaAndThreeCairnBrokersObserveTheSameReplication() throws Exception {
    // Kafka boots in its own JVMs while the script runs on Cairn.
    CompletableFuture<List<KafkaReferenceServer>> booting =
        KafkaReferenceServer.startThree(dir.resolve("kafka"), SETTINGS);
    List<BrokerEngine> cairn = new ArrayList<>();
    long started = System.nanoTime();
    try (TestingServer zk = new TestingServer(true)) {
      for (int id = 1; id <= 3; id++) {
        Map<String, String> config = new HashMap<>(SETTINGS);
        config.put("broker.id", "" + id);
        cairn.add(
            EngineExtension.startAndAwaitReady(
                TestBrokers.broker(zk.getConnectString(), dir.resolve("cairn-" + id), config)));
      }
      TestBrokers.awaitEachOther(cairn); // as Kafka's side waits for three brokers
      Transcript onCairn =
          ReplicationScenario.run(
              new ReplicationScenario.ThreeBrokers() {
                @Override
                public String bootstrap(int id) {
                  return TestBrokers.bootstrap(cairn.get(id - 1));
                }

                @Override
                public void stop(int id) {
                  cairn.get(id - 1).stop(Duration.ofSeconds(10));
                }
              });
      System.out.printf("replication on cairn: %d ms%n", (System.nanoTime() - started) / 1_000_000);
      List<KafkaReferenceServer> kafka = booting.get(2, TimeUnit.MINUTES);
      kafka.get(0).awaitReady(Duration.ofSeconds(60), 3);
      System.out.printf("kafka ready: %d ms%n", (System.nanoTime() - started) / 1_000_000);
      Transcript onKafka =
          ReplicationScenario.run(
              new ReplicationScenario.ThreeBrokers() {
                @Override
                public String bootstrap(int id) {
                  return kafka.get(id - 1).bootstrap();
                }

                @Override
                public void stop(int id) throws InterruptedException {
                  kafka.get(id - 1).stop();
                }
              });
      System.out.printf("replication on kafka: %d ms%n", (System.nanoTime() - started) / 1_000_000);
      System.out.println(onKafka);

      // Not vacuous: the script reached NOT_ENOUGH_REPLICAS with a single broker left.
      assertThat(onKafka.observations())
          .containsEntry("broker 2 stopped", "leader 1 replicas [1, 2, 3] isr [1]")
          .containsEntry("produce acks=all, isr 2", "NONE base=1 logStart=0");
      assertThat(onKafka.observations().get("produce acks=all, isr 1"))
          .startsWith("NOT_ENOUGH_REPLICAS");
      KafkaDifferentialTest.assertSameObservations(onCairn, onKafka);
    } finally {
      for (BrokerEngine b : cairn) {
        b.stop(Duration.ofSeconds(2));
      }
      for (KafkaReferenceServer k : booting.get(2, TimeUnit.MINUTES)) {
        k.close();
      }
    }
  }
}
