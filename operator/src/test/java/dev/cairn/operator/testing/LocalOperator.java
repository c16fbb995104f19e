package dev.cairn.operator.testing;

import dev.cairn.operator.broker.BrokerCluster;
import dev.cairn.operator.cache.CacheCluster;
import dev.cairn.operator.ensemble.Ensemble;
import dev.cairn.operator.topic.Topic;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The operator's reconcilers in a plain java-operator-sdk {@link Operator} (no Quarkus start-up)
 * against fabric8's mock API server in CRUD mode. That server has no server-side apply, so
 * dependents and status patches run without it, as they do in the local cluster. The CRDs from
 * {@code crds/} are registered first (the mock server needs them for the status subresource).
 */
public final class LocalOperator implements AutoCloseable {
  public static final Path CRDS = Path.of("..", "crds");

  private final Operator operator;
  private final StatefulSetSimulator pods;

  private LocalOperator(Operator operator, StatefulSetSimulator pods) {
    this.operator = operator;
    this.pods = pods;
  }

  public static LocalOperator start(KubernetesClient client, Reconciler<?>... reconcilers) {
    // Tests await what users see (resources and status). By default Awaitility also fails on any
    // uncaught exception in another thread: java-operator-sdk's executor once threw one from its
    // own retry timer ("Task already scheduled or cancelled") while the reconciler worked, which is
    // not the behaviour under test; a retry truly lost still fails the await by its timeout.
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    registerCrds(client);
    for (Class<? extends KubernetesResource> type :
        List.of(Ensemble.class, BrokerCluster.class, Topic.class, CacheCluster.class)) {
      client.getKubernetesSerialization().registerKubernetesResource(type);
    }
    Operator operator =
        new Operator(o ->
            o.withKubernetesClient(client)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false));
    for (Reconciler<?> r : reconcilers) {
      operator.register(r);
    }
    operator.start();
    return new LocalOperator(operator, new StatefulSetSimulator(client));
  }

  public StatefulSetSimulator pods() {
    return pods;
  }

  public static void registerCrds(KubernetesClient client) {
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .resource(crd)
              .createOr(r -> r.update());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the CRDs in " + CRDS.toAbsolutePath(), e);
    }
  }

  @Override
  public void close() {
    pods.close();
    operator.stop();
  }
}
