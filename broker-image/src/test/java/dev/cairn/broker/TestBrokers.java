package dev.cairn.broker;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FileSync;
import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Configurations and client properties for tests: loopback, free ports, fast groups. */
public final class TestBrokers {
  private TestBrokers() {}

  public static Map<String, String> baseConfig(String zkConnect, Path logDir) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("listeners", "PLAINTEXT://127.0.0.1:0");
    m.put("cairn.admin.host", "127.0.0.1");
    m.put("cairn.admin.port", "0");
    m.put("log.dirs", logDir.toString());
    m.put("zookeeper.connect", zkConnect);
    m.put("zookeeper.session.timeout.ms", "6000");
    m.put("group.initial.rebalance.delay.ms", "0");
    m.put("offsets.topic.num.partitions", "5");
    m.put("num.io.threads", "4");
    m.put("num.network.threads", "2");
    return m;
  }

  public static BrokerEngine broker(String zkConnect, Path logDir, Map<String, String> extra) {
    Map<String, String> m = baseConfig(zkConnect, logDir);
    m.putAll(extra);
    return new BrokerEngine(BrokerConfig.of(m));
  }

  /** Brokers 1..{@code count} on one coordinator, logs under {@code dir}, started and ready. */
  public static List<BrokerEngine> startCluster(String zkConnect, Path dir, int count)
      throws Exception {
    List<BrokerEngine> brokers = new ArrayList<>();
    for (int id = 1; id <= count; id++) {
      brokers.add(
          EngineExtension.startAndAwaitReady(
              broker(zkConnect, dir.resolve("logs" + id), Map.of("broker.id", "" + id))));
    }
    awaitEachOther(brokers);
    return brokers;
  }

  /**
   * Waits (up to 20 s) until every broker's metadata lists all of them: a broker is ready once it
   * registered, but the others learn of it through their coordinator watch a moment later, and a
   * create naming it there would be refused as an unknown broker.
   */
  public static void awaitEachOther(List<BrokerEngine> brokers) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (BrokerEngine b : brokers) {
      try (Admin admin = Admin.create(admin(b))) {
        while (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() < brokers.size()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "broker at " + bootstrap(b) + " does not list all " + brokers.size() + " brokers");
          }
          Thread.sleep(20);
        }
      }
    }
  }

  /** The broker's Prometheus exposition, as a scraper reads it from its admin port. */
  public static String metrics(BrokerEngine b) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + b.adminAddress().getPort() + "/metrics");
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  /** A disk whose fsync fails, as an EIO would, for the files under any of {@code failingDirs}. */
  public static FileSync failingUnder(Set<Path> failingDirs) {
    return (file, channel) -> {
      if (failingDirs.stream().anyMatch(file::startsWith)) {
        throw new IOException("Input/output error (injected)");
      }
      channel.force(false);
    };
  }

  public static String bootstrap(BrokerEngine b) {
    return "127.0.0.1:" + b.boundAddress().getPort();
  }

  public static Properties producer(BrokerEngine b) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(b));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  public static Properties consumer(BrokerEngine b, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(b));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return p;
  }

  public static Properties admin(BrokerEngine b) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(b));
    return p;
  }
}
