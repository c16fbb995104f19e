package dev.cairn.operator.topic;

import dev.cairn.operator.broker.BrokerCluster;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.InvalidSpecException;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.StatusUpdate;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Topic} in line with the brokers of its cluster through the Kafka Admin API: the
 * decisions are {@link TopicPlan}'s, this class fetches, applies and reports. A Topic whose cluster
 * is missing or not ready says so in its status and is retried. Deleting a Topic deletes the topic
 * in the brokers (finalizer), unless the cluster itself is gone or going.
 */
@Singleton // not a client proxy: reconcilers are constructed once, with their collaborators
@ControllerConfiguration(name = "topic", finalizerName = "cairn.dev/topic")
public class TopicReconciler implements Reconciler<Topic>, Cleaner<Topic> {
  private static final Logger LOG = LoggerFactory.getLogger(TopicReconciler.class);

  private final ManagedResources managed;
  private final TopicAdmin.Factory admins;
  private final Duration recheck;
  private final Clock clock;

  @Inject
  public TopicReconciler(ManagedResources managed) {
    this(managed, KafkaTopicAdmin::connect, Duration.ofSeconds(15), Clock.systemUTC());
  }

  public TopicReconciler(
      ManagedResources managed, TopicAdmin.Factory admins, Duration recheck, Clock clock) {
    this.managed = managed;
    this.admins = admins;
    this.recheck = recheck;
    this.clock = clock;
  }

  @Override
  public UpdateControl<Topic> reconcile(Topic topic, Context<Topic> context) {
    managed.watch(topic.getKind(), context.getPrimaryCache());
    TopicStatus status = new TopicStatus();
    TopicStatus previous = topic.getStatus();
    if (previous != null) {
      status.topicId = previous.topicId;
      status.partitions = previous.partitions;
      status.replicas = previous.replicas;
    }
    try {
      TopicPlan.validate(topic.getSpec());
    } catch (InvalidSpecException e) {
      return finish(topic, status, Health.invalid(e.getMessage()));
    }
    BrokerCluster cluster = cluster(topic, context);
    if (cluster == null) {
      return finish(
          topic,
          status,
          Health.progressing(
              "ClusterNotFound",
              "BrokerCluster '" + topic.getSpec().clusterRef.name + "' does not exist; retrying."));
    }
    if (cluster.getStatus() == null
        || !cluster.getStatus().isReady()
        || cluster.getStatus().bootstrapServers == null) {
      return finish(
          topic,
          status,
          Health.progressing(
              "ClusterNotReady",
              "BrokerCluster '" + topic.getSpec().clusterRef.name + "' is not ready; retrying."));
    }
    String name = topic.topicName();
    try (TopicAdmin admin = admins.open(cluster.getStatus().bootstrapServers)) {
      TopicPlan plan = TopicPlan.decide(topic.getSpec(), admin.describe(name));
      for (TopicPlan.Action action : plan.actions()) {
        apply(admin, name, action);
        LOG.info("Topic {}/{}: applied {}", topic.getMetadata().getNamespace(), name, action);
      }
      Optional<ObservedTopic> after = admin.describe(name);
      after.ifPresent(t -> {
        status.topicId = t.topicId();
        status.partitions = t.partitions();
        status.replicas = t.replicas();
      });
      boolean reassigning =
          plan.actions().stream().anyMatch(a -> a instanceof TopicPlan.ChangeReplicas)
              || !plan.waiting().isEmpty();
      Health health;
      if (!plan.problems().isEmpty()) {
        health = Health.degraded("UnsupportedChange", String.join(" ", plan.problems()));
      } else if (reassigning) {
        health =
            Health.progressing(
                "Reassigning",
                plan.waiting().isEmpty()
                    ? "Reassigning partitions to change the replication factor to "
                        + topic.getSpec().replicas
                        + "."
                    : String.join(" ", plan.waiting()));
      } else {
        health = Health.ready("Synced", "The topic matches its spec.");
      }
      return finish(topic, status, health);
    } catch (TopicAdminException e) {
      return finish(topic, status, Health.degraded("BrokerError", e.getMessage()));
    }
  }

  private static void apply(TopicAdmin admin, String name, TopicPlan.Action action) {
    switch (action) {
      case TopicPlan.Create c -> admin.create(name, c.partitions(), c.replicas(), c.config());
      case TopicPlan.GrowPartitions g -> admin.growPartitions(name, g.to());
      case TopicPlan.AlterConfigs a -> admin.alterConfigs(name, a.set(), a.reset());
      case TopicPlan.ChangeReplicas r -> admin.reassign(name, r.targets());
    }
  }

  @Override
  public DeleteControl cleanup(Topic topic, Context<Topic> context) {
    BrokerCluster cluster = cluster(topic, context);
    if (cluster == null || cluster.getMetadata().getDeletionTimestamp() != null) {
      // The topic goes with its cluster: nothing left to delete it from.
      return DeleteControl.defaultDelete();
    }
    if (cluster.getStatus() == null || cluster.getStatus().bootstrapServers == null) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(recheck.toMillis());
    }
    try (TopicAdmin admin = admins.open(cluster.getStatus().bootstrapServers)) {
      admin.delete(topic.topicName());
      LOG.info("Topic {}/{}: deleted", topic.getMetadata().getNamespace(), topic.topicName());
      return DeleteControl.defaultDelete();
    } catch (TopicAdminException e) {
      LOG.warn(
          "Topic {}/{}: delete failed, retrying: {}",
          topic.getMetadata().getNamespace(),
          topic.topicName(),
          e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(recheck.toMillis());
    }
  }

  private static BrokerCluster cluster(Topic topic, Context<Topic> context) {
    return context
        .getClient()
        .resources(BrokerCluster.class)
        .inNamespace(topic.getMetadata().getNamespace())
        .withName(topic.getSpec().clusterRef.name)
        .get();
  }

  private UpdateControl<Topic> finish(Topic topic, TopicStatus status, Health health) {
    return StatusUpdate.of(topic, status, health, clock.instant(), recheck);
  }
}
