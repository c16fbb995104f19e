package dev.cairn.operator.broker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.Storage;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** The broker's log directories: one persistent volume each (JBOD). */
public class BrokerStorage {
  @Size(min = 1, max = 16)
  @JsonPropertyDescription(
      "One volume per log directory; partitions are spread over them (JBOD). At least one.")
  public List<Storage> logDirs = new ArrayList<>(List.of(new Storage()));
}
