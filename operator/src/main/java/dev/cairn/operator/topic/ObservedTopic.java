package dev.cairn.operator.topic;

import java.util.Map;

/**
 * A topic as the brokers describe it.
 *
 * @param config only the configs set on the topic itself (not broker defaults)
 */
public record ObservedTopic(
    String topicId, int partitions, int replicas, Map<String, String> config) {}
