package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.SingleBroker;
import dev.cairn.broker.differential.RawRequests;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker keeps serving real clients while others send oversized or random frames; long-poll
 * fetches wait for data; seek re-reads; metrics are exported.
 */
class ServingRobustnessTest {
  @RegisterExtension
  static final SingleBroker broker = new SingleBroker(Map.of("socket.request.max.bytes", "65536"));

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", broker.engine().boundAddress().getPort());
    s.setSoTimeout(5000);
    return s;
  }

  private static boolean closedByPeer(Socket s) {
    try {
      return new DataInputStream(s.getInputStream()).read() == -1;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void anOversizedFrameClosesOnlyItsOwnConnection() throws Exception {
    try (Socket bad = connect();
        Socket idle = connect()) {
      new DataOutputStream(bad.getOutputStream()).writeInt(65537);
      assertThat(closedByPeer(bad)).isTrue();
      try (Admin admin = Admin.create(broker.admin())) {
        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
      }
      assertThat(idle.isClosed()).isFalse();
    }
  }

  @Test
  void aFailedAcksZeroProduceClosesTheConnectionAndASuccessfulOneAnswersNothing() throws Exception {
    try (Admin admin = Admin.create(broker.admin())) {
      admin.createTopics(List.of(new NewTopic("acks-zero", 1, (short) 1))).all().get();
    }
    try (Socket ok = connect();
        Socket failing = connect()) {
      DataOutputStream out = new DataOutputStream(ok.getOutputStream());
      writeRequest(out, acksZeroProduce("acks-zero"), 1);
      writeRequest(out, new ApiVersionsRequest.Builder().build((short) 3), 2);
      DataInputStream in = new DataInputStream(ok.getInputStream());
      in.readInt();
      assertThat(in.readInt()).as("the first answer is ApiVersions'").isEqualTo(2);

      // The internal offsets topic refuses client writes: INVALID_TOPIC_EXCEPTION.
      writeRequest(
          new DataOutputStream(failing.getOutputStream()),
          acksZeroProduce("__consumer_offsets"),
          1);
      assertThat(closedByPeer(failing)).isTrue();
    }
  }

  private static AbstractRequest acksZeroProduce(String topic) {
    return RawRequests.produceRequest(
        topic,
        0,
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes())),
        (short) 0,
        (short) 9);
  }

  private static void writeRequest(DataOutputStream out, AbstractRequest request, int correlationId)
      throws IOException {
    ByteBuffer frame =
        request.serializeWithHeader(
            new RequestHeader(request.apiKey(), request.version(), "raw", correlationId));
    out.writeInt(frame.remaining());
    out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    out.flush();
  }

  @Test
  void randomFramesNeverStopTheBrokerFromServingOthers() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 100; i++) {
      try (Socket s = connect()) {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] body = new byte[8 + r.nextInt(200)];
        r.nextBytes(body);
        // Half the frames carry a real API key and version so the body parsers get fuzzed too.
        if (r.nextBoolean()) {
          ApiKeys key = ApiKeys.values()[r.nextInt(ApiKeys.values().length)];
          body[0] = (byte) (key.id >> 8);
          body[1] = (byte) key.id;
          body[2] = 0;
          body[3] = (byte) r.nextInt(Math.max(1, key.latestVersion() + 1));
        }
        out.writeInt(body.length);
        out.write(body);
        out.flush();
        s.setSoTimeout(500);
        try {
          s.getInputStream().read();
        } catch (IOException e) {
          // no answer is fine; the connection may be closed
        }
      }
    }
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      assertThat(p.send(new ProducerRecord<>("after-fuzz", "ok")).get().offset())
          .as("seed %d", seed)
          .isZero();
    }
  }

  @Test
  void aLongPollFetchWaitsForDataAndSeekReReads() throws Exception {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      p.send(new ProducerRecord<>("polls", "first")).get();
    }
    var props = broker.consumer(null);
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1000000");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "700");
    TopicPartition tp = new TopicPartition("polls", 0);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long start = System.nanoTime();
      ConsumerRecords<String, String> got = ConsumerRecords.empty();
      while (got.isEmpty() && System.nanoTime() - start < 10_000_000_000L) {
        got = c.poll(Duration.ofSeconds(2));
      }
      assertThat(got.count()).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(600));
      c.seek(tp, 0);
      got = c.poll(Duration.ofSeconds(5));
      assertThat(got.records(tp).get(0).value()).isEqualTo("first");
      c.seekToEnd(List.of(tp));
      assertThat(c.position(tp)).isEqualTo(1);
    }
  }

  @Test
  void prometheusMetricsCarryTheBrokerPrefix() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + broker.engine().adminAddress().getPort()
                                + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("cairn_broker_leader_partitions")
        .contains("cairn_broker_connections");
  }
}
