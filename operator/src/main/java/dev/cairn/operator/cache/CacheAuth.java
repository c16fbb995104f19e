package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

/** Password authentication (Redis {@code requirepass}). */
public class CacheAuth {
  @Required
  @JsonPropertyDescription(
      "The Secret key holding the password; it reaches the server as an environment variable,"
          + " never through the ConfigMap.")
  public SecretKeySelector passwordSecretRef;
}
