package dev.cairn.operator.topic;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A topic of a BrokerCluster. */
@Group("cairn.dev")
@Version("v1alpha1")
@ShortNames("tp")
@Categories("cairn")
@AdditionalPrinterColumn(
    name = "Cluster",
    jsonPath = ".spec.clusterRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Partitions",
    jsonPath = ".status.partitions",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Topic extends CustomResource<TopicSpec, TopicStatus> implements Namespaced {

  @Override
  protected TopicSpec initSpec() {
    return new TopicSpec();
  }

  /** The topic's name in the brokers: spec.topicName, else metadata.name. */
  @JsonIgnore
  public String topicName() {
    String name = getSpec().topicName;
    return name == null || name.isBlank() ? getMetadata().getName() : name;
  }
}
