package dev.cairn.operator.broker;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cairn.operator.common.CairnCluster;
import dev.cairn.operator.common.Workload;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A cluster of Kafka-protocol brokers. */
@Group("cairn.dev")
@Version("v1alpha1")
@ShortNames("bc")
@Categories("cairn")
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".spec.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoints",
    jsonPath = ".status.bootstrapServers",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BrokerCluster extends CustomResource<BrokerClusterSpec, BrokerClusterStatus>
    implements Namespaced, CairnCluster {

  @Override
  protected BrokerClusterSpec initSpec() {
    return new BrokerClusterSpec();
  }

  @Override
  @JsonIgnore
  public Workload workload() {
    return BrokerWorkload.of(this);
  }
}
