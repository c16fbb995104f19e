package dev.cairn.operator.broker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Kafka listener: a name and a port, plaintext for now. */
public class Listener {
  @Required
  @Pattern("^[A-Z][A-Z0-9_]*$")
  @JsonPropertyDescription("Listener name as in server.properties, e.g. PLAINTEXT.")
  public String name;

  @Required
  @Min(1024)
  @Max(65535)
  @JsonPropertyDescription("Port the broker listens on and the client Service exposes.")
  public int port;

  public Listener() {}

  public Listener(String name, int port) {
    this.name = name;
    this.port = port;
  }
}
