package dev.cairn.e2e.up;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the end-to-end scenarios do alike: start a platform, edit a spec, watch pods, read. */
final class PlatformScenario {
  private PlatformScenario() {}

  /**
   * A local platform under {@code e2e/target/<tag>-<millis>} with {@code manifest} (relative to the
   * repository) applied and every Cairn resource Ready.
   */
  static LocalPlatform start(String tag, String manifest, Duration ready) throws Exception {
    Path module = Path.of(System.getProperty("user.dir"));
    Path root = module.getParent();
    LocalPlatform platform =
        LocalPlatform.start(
            root, module.resolve("target/" + tag + "-" + System.currentTimeMillis()), 0);
    platform.apply(root.resolve(manifest));
    platform.awaitAllReady(ready, line -> System.out.println("e2e: " + line));
    return platform;
  }

  /** Reads {@code kind}/{@code name}, lets {@code edit} change its spec, and updates it. */
  @SuppressWarnings("unchecked")
  static void editSpec(
      KubernetesClient client,
      String kind,
      String namespace,
      String name,
      Consumer<Map<String, Object>> edit) {
    ResourceDefinitionContext context = CairnResources.kind(client, kind);
    GenericKubernetesResource r =
        client.genericKubernetesResources(context).inNamespace(namespace).withName(name).get();
    edit.accept((Map<String, Object>) r.getAdditionalProperties().get("spec"));
    client.genericKubernetesResources(context).inNamespace(namespace).resource(r).update();
  }

  /** The spec's {@code config} map, created empty when missing. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> configOf(Map<String, Object> spec) {
    return (Map<String, Object>) spec.computeIfAbsent("config", k -> new LinkedHashMap<>());
  }

  /** A pod watcher adding the name of every deleted pod to {@code names}, in order. */
  static Watcher<Pod> deletionsInto(List<String> names) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (action == Action.DELETED) {
          names.add(pod.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** Every value of {@code topic} from its beginning to the end offsets read at the start. */
  static List<String> consumeValues(String bootstrap, String topic, Duration within) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + within.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
