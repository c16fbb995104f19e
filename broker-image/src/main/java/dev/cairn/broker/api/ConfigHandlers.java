package dev.cairn.broker.api;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.config.TopicConfigs;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.server.BrokerContext;
import dev.cairn.common.config.ConfigKey;
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
 * TopicConfigs}, with sources TOPIC_CONFIG / STATIC_BROKER_CONFIG / DEFAULT_CONFIG and synonyms as
 * Kafka reports them) and the broker (its static {@code server.properties}, read-only: altering a
 * broker config is INVALID_CONFIG, as for Kafka's non-dynamic keys; the cluster-wide default
 * resource, broker name "", holds no entries).
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
                  : brokerConfigs(res.resourceType(), res.resourceName());
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
    return topicEntries(broker.config(), t.configs(), synonyms, false);
  }

  /**
   * Every topic key for a topic with {@code overrides}, as Kafka describes it. A key not set for
   * the topic takes its source from its first broker synonym only ({@code log.retention.ms}, not
   * {@code log.retention.hours}): set in server.properties it is STATIC_BROKER_CONFIG, otherwise
   * DEFAULT_CONFIG — also when a later synonym supplies the value, as Kafka 4 reports it. Synonyms
   * list the topic override, the broker key if set, and the broker key's own default if it has one.
   *
   * <p>CreateTopics answers from Kafka's controller, which resolves the source over every synonym
   * ({@code anySynonymSource}): there {@code log.retention.hours} set makes retention.ms
   * STATIC_BROKER_CONFIG.
   */
  static List<DescribeConfigsResourceResult> topicEntries(
      BrokerConfig cfg, Map<String, String> overrides, boolean synonyms, boolean anySynonymSource) {
    List<DescribeConfigsResourceResult> out = new ArrayList<>();
    for (TopicConfigs.Key key : TopicConfigs.keys()) {
      String override = overrides.get(key.name());
      // Kafka gives some keys no broker synonym: their default is Kafka's, and nothing else.
      ConfigKey<?> brokerKey =
          key.brokerSynonyms().isEmpty()
              ? null
              : BrokerConfig.schema().key(key.brokerSynonyms().get(0));
      boolean brokerSet = brokerKey != null && cfg.raw().isSet(brokerKey);
      boolean sourceSet =
          anySynonymSource
              ? key.brokerSynonyms().stream()
                  .anyMatch(n -> cfg.raw().isSet(BrokerConfig.schema().key(n)))
              : brokerSet;
      ConfigSource source =
          override != null
              ? ConfigSource.TOPIC_CONFIG
              : sourceSet ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
      DescribeConfigsResourceResult c =
          new DescribeConfigsResourceResult()
              .setName(key.name())
              .setValue(override != null ? override : key.brokerDefault().apply(cfg))
              .setReadOnly(false)
              .setConfigSource(source.id())
              .setIsSensitive(false);
      if (synonyms) {
        if (override != null) {
          c.synonyms().add(synonym(key.name(), override, ConfigSource.TOPIC_CONFIG));
        }
        if (brokerSet) {
          c.synonyms()
              .add(
                  synonym(
                      brokerKey.name(),
                      render(cfg.raw().get(brokerKey)),
                      ConfigSource.STATIC_BROKER_CONFIG));
        }
        if (brokerKey != null && brokerKey.defaultValue() != null) {
          c.synonyms()
              .add(
                  synonym(
                      brokerKey.name(),
                      render(brokerKey.defaultValue()),
                      ConfigSource.DEFAULT_CONFIG));
        }
      }
      out.add(c);
    }
    return out;
  }

  private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
    return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
  }

  private List<DescribeConfigsResourceResult> brokerConfigs(byte type, String name) {
    if (type != ConfigResource.Type.BROKER.id()) {
      throw new InvalidRequestException("unsupported config resource type " + type);
    }
    if (name.isEmpty()) {
      // The cluster-wide dynamic defaults: Cairn has no dynamic broker configs, Kafka lists none.
      // Mutable: the caller filters the list by the requested keys.
      return new ArrayList<>();
    }
    if (!name.equals("" + broker.brokerId())) {
      throw new InvalidRequestException("broker " + name + " is not this broker");
    }
    BrokerConfig cfg = broker.config();
    List<DescribeConfigsResourceResult> out = new ArrayList<>();
    for (ConfigKey<?> key : BrokerConfig.schema().keys()) {
      boolean set = cfg.raw().isSet(key);
      out.add(
          new DescribeConfigsResourceResult()
              .setName(key.name())
              .setValue(render(cfg.raw().get(key)))
              .setReadOnly(true)
              .setConfigSource(
                  (set ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG).id())
              .setIsSensitive(false));
    }
    return out;
  }

  private static String render(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(Object::toString).toList());
    }
    return value.toString();
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
          requireTopic(res.resourceType());
          Map<String, String> next = new LinkedHashMap<>(current(res.resourceName()));
          for (IncrementalAlterConfigsRequestData.AlterableConfig c : res.configs()) {
            apply(next, c);
          }
          pending.add(applied(res.resourceName(), next, r.validateOnly()));
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

  private void apply(
      Map<String, String> next, IncrementalAlterConfigsRequestData.AlterableConfig c) {
    String name = c.name();
    if (TopicConfigs.key(name) == null) {
      throw new InvalidConfigurationException("Unknown topic config name: " + name);
    }
    switch (c.configOperation()) {
      case 0 -> next.put(name, c.value());
      case 1 -> next.remove(name);
      case 2, 3 -> {
        List<String> values =
            new ArrayList<>(
                Arrays.asList(
                    next.getOrDefault(name, TopicConfigs.effective(broker.config(), next, name))
                        .split(",")));
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

  /**
   * Stores a topic's new overrides; completes when this broker applies them (so a Describe that
   * follows sees them), or after {@link BrokerContext#CONFIG_APPLY_WAIT} — stored is stored, and
   * the answer is success either way.
   */
  private CompletableFuture<?> applied(String topic, Map<String, String> next, boolean validateOnly)
      throws Exception {
    return broker
        .topics()
        .setConfigs(topic, next, validateOnly, BrokerContext.CONFIG_APPLY_WAIT)
        .exceptionally(notYetApplied -> null);
  }

  private Map<String, String> current(String topic) {
    MetadataImage.TopicImage t = broker.metadata().image().topic(topic);
    if (t == null) {
      throw new UnknownTopicOrPartitionException("The topic '" + topic + "' does not exist.");
    }
    return t.configs();
  }

  private static void requireTopic(byte type) {
    if (type == ConfigResource.Type.BROKER.id()) {
      throw new InvalidConfigurationException(
          "broker configs are static (server.properties) and cannot be altered at run time");
    }
    if (type != ConfigResource.Type.TOPIC.id()) {
      throw new InvalidRequestException("unsupported config resource type " + type);
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
          requireTopic(res.resourceType());
          Map<String, String> next = new LinkedHashMap<>();
          res.configs().forEach(c -> next.put(c.name(), c.value()));
          pending.add(applied(res.resourceName(), next, r.validateOnly()));
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
