package dev.cairn.operator.cache;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The password of a CacheCluster's {@code spec.auth}, read from its Secret: the pods get it as an
 * environment variable, the operator needs it itself to AUTH its probes of a replicated cache and
 * to give the sentinels the master's auth-pass.
 */
final class CachePassword {
  private CachePassword() {}

  /** Empty when the Secret or its key does not exist (yet). */
  static Optional<String> read(CacheCluster cache, KubernetesClient client) {
    SecretKeySelector ref = cache.getSpec().auth.passwordSecretRef;
    Secret secret =
        client
            .secrets()
            .inNamespace(cache.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    if (secret == null) {
      return Optional.empty();
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.getKey())) {
      byte[] raw = Base64.getDecoder().decode(secret.getData().get(ref.getKey()));
      return Optional.of(new String(raw, StandardCharsets.UTF_8));
    }
    return secret.getStringData() == null
        ? Optional.empty()
        : Optional.ofNullable(secret.getStringData().get(ref.getKey()));
  }
}
