package dev.cairn.operator.cache;

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

/** A Redis-protocol cache. */
@Group("cairn.dev")
@Version("v1alpha1")
@ShortNames("cc")
@Categories("cairn")
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
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
    jsonPath = ".status.endpoints",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class CacheCluster extends CustomResource<CacheClusterSpec, CacheClusterStatus>
    implements Namespaced, CairnCluster {

  @Override
  protected CacheClusterSpec initSpec() {
    return new CacheClusterSpec();
  }

  @Override
  @JsonIgnore
  public Workload workload() {
    return CacheWorkload.of(this);
  }
}
