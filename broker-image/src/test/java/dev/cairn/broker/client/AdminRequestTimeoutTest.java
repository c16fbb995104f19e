package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CreateTopics whose result this broker cannot see yet (its metadata updates stalled) holds no
 * request thread: with a single one, other requests are still served; the create is answered
 * REQUEST_TIMED_OUT at its own timeout, as Kafka answers it.
 */
class AdminRequestTimeoutTest {
  @TempDir Path dir;

  @Test
  void aCreateWaitingForMetadataHoldsNoRequestThreadAndTimesOutAsKafka() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      BrokerEngine broker =
          EngineExtension.startAndAwaitReady(
              TestBrokers.broker(zk.getConnectString(), dir, Map.of("num.io.threads", "1")));
      CountDownLatch stall = new CountDownLatch(1);
      try (Admin creator = Admin.create(TestBrokers.admin(broker));
          Admin other = Admin.create(TestBrokers.admin(broker))) {
        other.describeCluster().nodes().get();
        broker
            .clusterMetadata()
            .events()
            .execute(() -> {
              try {
                stall.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
        long start = System.nanoTime();
        KafkaFuture<Void> created =
            creator
                .createTopics(
                    List.of(new NewTopic("stalled", 1, (short) 1)),
                    new CreateTopicsOptions().timeoutMs(3000))
                .all();
        Thread.sleep(300);
        other.describeCluster().nodes().get();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("served while the create waits")
            .isLessThan(Duration.ofMillis(1500));
        assertThat(created.isDone()).isFalse();
        assertThatThrownBy(created::get).hasCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      } finally {
        stall.countDown();
        broker.stop(Duration.ofSeconds(2));
      }
    }
  }
}
