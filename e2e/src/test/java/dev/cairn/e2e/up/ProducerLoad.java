package dev.cairn.e2e.up;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An application producing to a topic with an idempotent acks=all kafka-clients producer, as a
 * payment service would: one thread sending {@code <prefix><i>} at about {@link #RATE} records a
 * second, each send's outcome recorded from its callback: acknowledged values, and failures (a send
 * the producer gave up on after retrying for {@code delivery.timeout.ms}). Retriable errors while a
 * broker restarts (NOT_LEADER_OR_FOLLOWER, disconnects, NOT_ENOUGH_REPLICAS) are retried inside the
 * producer and never seen here.
 */
final class ProducerLoad implements AutoCloseable {
  static final int RATE = 200;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final String prefix;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final List<Exception> failures = new CopyOnWriteArrayList<>();
  private final Thread sender;
  private volatile boolean running = true;

  private ProducerLoad(String bootstrap, String topic, String prefix) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    this.topic = topic;
    this.prefix = prefix;
    this.sender = new Thread(this::send, "producer-load");
  }

  static ProducerLoad start(String bootstrap, String topic, String prefix) {
    ProducerLoad load = new ProducerLoad(bootstrap, topic, prefix);
    load.sender.start();
    return load;
  }

  private void send() {
    long start = System.nanoTime();
    for (long i = 0; running; i++) {
      String value = prefix + i;
      producer.send(
          new ProducerRecord<>(topic, Long.toString(i), value),
          (md, e) -> {
            if (e == null) {
              acknowledged.add(value);
            } else {
              failures.add(e);
            }
          });
      long due = start + (i + 1) * 1_000_000_000L / RATE;
      long wait = (due - System.nanoTime()) / 1_000_000;
      if (wait > 0) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  Set<String> acknowledged() {
    return acknowledged;
  }

  List<Exception> failures() {
    return failures;
  }

  /** Stops sending and waits for the outcome of every send made. */
  void stop() throws InterruptedException {
    running = false;
    sender.join(10_000);
    producer.flush();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    producer.close();
  }
}
