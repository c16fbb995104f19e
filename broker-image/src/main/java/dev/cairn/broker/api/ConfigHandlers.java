package dev.cairn.broker.api;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.config.BrokerConfigLayers;
import dev.cairn.broker.config.DynamicBrokerKeys;
import dev.cairn.broker.config.TopicConfigs;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.ZkPaths;
import dev.cairn.broker.server.BrokerContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * DescribeConfigs, IncrementalAlterConfigs and AlterConfigs for topics (all keys of {@link
 * TopicConfigs}) and brokers: a broker id (every server.properties key and the throttle rates,
 * those Kafka lets change at run time not read-only) and the cluster-wide default (broker name "",
 * listing what is set there). Sources and synonyms follow Kafka's layers: TOPIC_CONFIG,
 * DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG (see
 * {@link BrokerConfigLayers}). Dynamic broker configs are stored in the coordinator under {@code
 * /config/brokers/<id>} and {@code /config/brokers/<default>}, as ZooKeeper-era Kafka stored them,
 * and applied by every broker when its metadata shows them; a key Kafka keeps static is
 * INVALID_CONFIG.
 */
public final class ConfigHandlers {
  private final BrokerContext broker;

  public ConfigHandlers(BrokerContext broker) {
    this.broker = broker;
  }

  public ApiHandler<DescribeConfigsRequestData> describe() {
    return (ctx, r) -> {
      DescribeConfigsResponseData response = new DescribeConfigsResponseData();
      for (DescribeConfigsRequestData.DescribeConfigsResource res : r.resources()) {
        DescribeConfigsResult result =
            new DescribeConfigsResult()
                .setResourceType(res.resourceType())
                .setResourceName(res.resourceName());
        try {
          List<DescribeConfigsResourceResult> configs =
              res.resourceType() == ConfigResource.Type.TOPIC.id()
                  ? topicConfigs(res.resourceName(), r.includeSynonyms())
                  : brokerConfigs(res.resourceType(), res.resourceName(), r.includeSynonyms());
          Set<String> keys =
              res.configurationKeys() == null ? null : new LinkedHashSet<>(res.configurationKeys());
          configs.removeIf(c -> keys != null && !keys.contains(c.name()));
          result.setConfigs(configs);
        } catch (Exception e) {
          ApiError error = ApiError.fromThrowable(e);
          result.setErrorCode(error.error().code()).setErrorMessage(error.message());
        }
        response.results().add(result);
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  private List<DescribeConfigsResourceResult> topicConfigs(String topic, boolean synonyms) {
    MetadataImage.TopicImage t = broker.metadata().image().topic(topic);
    if (t == null) {
      throw new UnknownTopicOrPartitionException("The topic '" + topic + "' does not exist.");
    }
    return topicEntries(broker.liveConfig().layers(), t.configs(), synonyms, false);
  }

  /**
   * Every topic key for a topic with {@code overrides}, as Kafka describes it. A key not set for
   * the topic takes its source from its first broker synonym only ({@code log.retention.ms}, not
   * {@code log.retention.hours}): that key's highest layer, DEFAULT_CONFIG when no layer sets it —
   * also when a later synonym supplies the value, as Kafka 4 reports it. Synonyms list the topic
   * override, then the broker keys as {@link BrokerConfigLayers#synonyms(List)} orders them.
   *
   * <p>CreateTopics answers from Kafka's controller, which resolves the source over every synonym
   * ({@code anySynonymSource}): there {@code log.retention.hours} set makes retention.ms
   * STATIC_BROKER_CONFIG.
   */
  static List<DescribeConfigsResourceResult> topicEntries(
      BrokerConfigLayers layers,
      Map<String, String> overrides,
      boolean synonyms,
      boolean anySynonymSource) {
    List<DescribeConfigsResourceResult> out = new ArrayList<>();
    for (TopicConfigs.Key key : TopicConfigs.keys()) {
      String override = overrides.get(key.name());
      // Kafka gives some keys no broker synonym: their default is Kafka's, and nothing else.
      List<String> sourceKeys =
          anySynonymSource ? key.brokerSynonyms() : key.brokerSynonyms().stream().limit(1).toList();
      ConfigSource source =
          override != null
              ? ConfigSource.TOPIC_CONFIG
              : sourceKeys.stream()
                  .filter(layers::isSet)
                  .findFirst()
                  .map(layers::source)
                  .orElse(ConfigSource.DEFAULT_CONFIG);
      DescribeConfigsResourceResult c =
          new DescribeConfigsResourceResult()
              .setName(key.name())
              .setValue(override != null ? override : key.brokerDefault().apply(layers.effective()))
              .setReadOnly(false)
              .setConfigSource(source.id())
              .setIsSensitive(false);
      if (synonyms) {
        if (override != null) {
          c.synonyms().add(synonym(key.name(), override, ConfigSource.TOPIC_CONFIG));
        }
        if (!key.brokerSynonyms().isEmpty()) {
          layers.synonyms(key.brokerSynonyms()).forEach(y -> c.synonyms().add(synonym(y)));
        }
      }
      out.add(c);
    }
    return out;
  }

  private static DescribeConfigsSynonym synonym(BrokerConfigLayers.Synonym y) {
    return synonym(y.name(), y.value(), y.source());
  }

  private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
    return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
  }

  private List<DescribeConfigsResourceResult> brokerConfigs(
      byte type, String name, boolean synonyms) {
    if (type != ConfigResource.Type.BROKER.id()) {
      throw new InvalidRequestException("unsupported config resource type " + type);
    }
    BrokerConfigLayers layers = broker.liveConfig().layers();
    // Mutable: the caller filters the list by the requested keys.
    List<DescribeConfigsResourceResult> out = new ArrayList<>();
    if (name.isEmpty()) {
      // As Kafka's describe of the cluster default (perBrokerConfig false): the synonyms below the
      // per-broker layer, so kafka-configs --entity-default shows the default it overrides.
      layers
          .clusterDefault()
          .forEach((key, value) ->
              out.add(
                  brokerEntry(
                      key,
                      value,
                      ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                      synonyms
                          ? layers.synonyms(key).stream()
                              .filter(y -> y.source() != ConfigSource.DYNAMIC_BROKER_CONFIG)
                              .toList()
                          : List.of())));
      return out;
    }
    if (!name.equals("" + broker.brokerId())) {
      throw new InvalidRequestException("broker " + name + " is not this broker");
    }
    List<String> names = new ArrayList<>();
    BrokerConfig.schema().keys().forEach(k -> names.add(k.name()));
    names.addAll(DynamicBrokerKeys.rateDefaults().keySet());
    for (String key : names) {
      out.add(
          brokerEntry(
              key,
              layers.value(key),
              layers.source(key),
              synonyms ? layers.synonyms(key) : List.of()));
    }
    return out;
  }

  private static DescribeConfigsResourceResult brokerEntry(
      String name, String value, ConfigSource source, List<BrokerConfigLayers.Synonym> synonyms) {
    DescribeConfigsResourceResult c =
        new DescribeConfigsResourceResult()
            .setName(name)
            .setValue(value)
            .setReadOnly(!DynamicBrokerKeys.isDynamic(name))
            .setConfigSource(source.id())
            .setIsSensitive(false);
    synonyms.forEach(y -> c.synonyms().add(synonym(y)));
    return c;
  }

  public ApiHandler<IncrementalAlterConfigsRequestData> incrementalAlter() {
    return (ctx, r) -> {
      IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (IncrementalAlterConfigsRequestData.AlterConfigsResource res : r.resources()) {
        var out =
            new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(res.resourceType())
                .setResourceName(res.resourceName());
        try {
          Target target = target(res.resourceType(), res.resourceName());
          Map<String, String> next = new LinkedHashMap<>(target.current());
          for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
            apply(target, next, c);
          }
          pending.add(target.store(next, r.validateOnly()));
        } catch (Exception e) {
          ApiError error = ApiError.fromThrowable(e);
          out.setErrorCode(error.error().code()).setErrorMessage(error.message());
        }
        response.responses().add(out);
      }
      return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .thenApply(v -> response);
    };
  }

  private static void apply(
      Target target,
      Map<String, String> next,
      IncrementalAlterConfigsRequestData.AlterableConfig c) {
    String name = c.name();
    target.checkKey(name);
    switch (c.configOperation()) {
      case 0 -> next.put(name, c.value());
      case 1 -> next.remove(name);
      case 2, 3 -> {
        String base = next.containsKey(name) ? next.get(name) : target.effective(next, name);
        List<String> values =
            new ArrayList<>(Arrays.asList(base == null ? new String[0] : base.split(",")));
        values.removeIf(String::isBlank);
        for (String v : c.value().split(",")) {
          if (c.configOperation() == 2 && !values.contains(v.trim())) {
            values.add(v.trim());
          } else if (c.configOperation() == 3) {
            values.remove(v.trim());
          }
        }
        next.put(name, String.join(",", values));
      }
      default ->
          throw new InvalidRequestException("unknown config operation " + c.configOperation());
    }
  }

  /** What an alter changes: one topic's overrides, or one broker entity's dynamic configs. */
  private interface Target {
    Map<String, String> current();

    /** Refuses a key this target does not have (INVALID_CONFIG). */
    void checkKey(String name);

    /** The value {@code name} has without an override of its own, for APPEND and SUBTRACT. */
    String effective(Map<String, String> next, String name);

    /**
     * Validates and stores {@code next} (unless {@code validateOnly}); completes when this broker
     * applies it (so a Describe that follows sees it), or after {@link
     * BrokerContext#CONFIG_APPLY_WAIT} — stored is stored, and the answer is success either way.
     */
    CompletableFuture<?> store(Map<String, String> next, boolean validateOnly) throws Exception;
  }

  private Target target(byte type, String name) {
    if (type == ConfigResource.Type.TOPIC.id()) {
      return new TopicTarget(broker, name);
    }
    if (type == ConfigResource.Type.BROKER.id()) {
      return new BrokerTarget(broker, brokerEntity(name));
    }
    throw new InvalidRequestException("unsupported config resource type " + type);
  }

  /** "" is the cluster-wide default; otherwise a broker id. */
  private static String brokerEntity(String name) {
    if (name.isEmpty()) {
      return ZkPaths.DEFAULT_BROKER;
    }
    try {
      return "" + Integer.parseInt(name);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("Invalid broker id " + name);
    }
  }

  private record TopicTarget(BrokerContext broker, String topic) implements Target {
    @Override
    public Map<String, String> current() {
      MetadataImage.TopicImage t = broker.metadata().image().topic(topic);
      if (t == null) {
        throw new UnknownTopicOrPartitionException("The topic '" + topic + "' does not exist.");
      }
      return t.configs();
    }

    @Override
    public void checkKey(String name) {
      if (TopicConfigs.key(name) == null) {
        throw new InvalidConfigurationException("Unknown topic config name: " + name);
      }
    }

    @Override
    public String effective(Map<String, String> next, String name) {
      return TopicConfigs.effective(broker.liveConfig().layers().effective(), next, name);
    }

    @Override
    public CompletableFuture<?> store(Map<String, String> next, boolean validateOnly)
        throws Exception {
      return broker
          .topics()
          .setConfigs(topic, next, validateOnly, BrokerContext.CONFIG_APPLY_WAIT)
          .exceptionally(notYetApplied -> null);
    }
  }

  private record BrokerTarget(BrokerContext broker, String entity) implements Target {
    @Override
    public Map<String, String> current() {
      return broker.metadata().image().brokerConfigs().getOrDefault(entity, Map.of());
    }

    @Override
    public void checkKey(String name) {
      if (!DynamicBrokerKeys.isDynamic(name)) {
        // Kafka answers a static key with INVALID_REQUEST, a bad value with INVALID_CONFIG.
        throw new InvalidRequestException(DynamicBrokerKeys.validate(name, null));
      }
    }

    @Override
    public String effective(Map<String, String> next, String name) {
      return broker.liveConfig().layers().value(name);
    }

    @Override
    public CompletableFuture<?> store(Map<String, String> next, boolean validateOnly)
        throws Exception {
      for (Map.Entry<String, String> c : next.entrySet()) {
        String error = DynamicBrokerKeys.validate(c.getKey(), c.getValue());
        if (error != null) {
          throw new InvalidConfigurationException(error);
        }
      }
      if (validateOnly) {
        return CompletableFuture.completedFuture(null);
      }
      Map<String, String> stored = Map.copyOf(next);
      broker.metadata().setBrokerConfig(entity, stored);
      return broker
          .metadata()
          .when(
              i -> i.brokerConfigs().getOrDefault(entity, Map.of()).equals(stored),
              BrokerContext.CONFIG_APPLY_WAIT)
          .exceptionally(notYetApplied -> null);
    }
  }

  public ApiHandler<AlterConfigsRequestData> alter() {
    return (ctx, r) -> {
      AlterConfigsResponseData response = new AlterConfigsResponseData();
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (AlterConfigsRequestData.AlterConfigsResource res : r.resources()) {
        var out =
            new AlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(res.resourceType())
                .setResourceName(res.resourceName());
        try {
          Target target = target(res.resourceType(), res.resourceName());
          Map<String, String> next = new LinkedHashMap<>();
          for (AlterConfigsRequestData.AlterableConfig c : res.configs()) {
            target.checkKey(c.name());
            next.put(c.name(), c.value());
          }
          pending.add(target.store(next, r.validateOnly()));
        } catch (Exception e) {
          ApiError error = ApiError.fromThrowable(e);
          out.setErrorCode(error.error().code()).setErrorMessage(error.message());
        }
        response.responses().add(out);
      }
      return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .thenApply(v -> response);
    };
  }
}
