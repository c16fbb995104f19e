package dev.cairn.operator.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** One persistent volume per pod: its size and storage class (the cluster default when unset). */
public class Storage {
  @JsonPropertyDescription("Volume size as a Kubernetes quantity, e.g. 10Gi.")
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  public String size = "1Gi";

  @JsonPropertyDescription("StorageClass of the volume claim; the cluster default when unset.")
  public String storageClassName;

  public Storage() {}

  public Storage(String size, String storageClassName) {
    this.size = size;
    this.storageClassName = storageClassName;
  }
}
