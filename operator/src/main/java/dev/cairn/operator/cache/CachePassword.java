package dev.cairn.operator.cache;

import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Labels;
import dev.cairn.operator.common.Names;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The password of a CacheCluster's {@code spec.auth}, read from its Secret: the pods get it as an
 * environment variable, the operator needs it itself to AUTH its probes of a replicated cache and
 * to give the sentinels the master's auth-pass.
 *
 * <p>The password the running servers hold is kept in a Secret of the operator's own, {@code
 * <name>-applied-password} (owned by the CacheCluster): when the user's Secret changes, the pods
 * still run with the old one, which the operator needs to move them to the new one ({@link
 * CachePasswordRotation}); Kubernetes keeps no earlier version of a Secret.
 */
final class CachePassword {
  static final String APPLIED_KEY = "password";

  private CachePassword() {}

  static String appliedSecretName(CacheCluster cache) {
    return Names.of(cache) + "-applied-password";
  }

  /** The password the running servers hold, empty before the operator first recorded one. */
  static Optional<String> applied(CacheCluster cache, KubernetesClient client) {
    Secret secret =
        client
            .secrets()
            .inNamespace(cache.getMetadata().getNamespace())
            .withName(appliedSecretName(cache))
            .get();
    return secret == null || secret.getData() == null || !secret.getData().containsKey(APPLIED_KEY)
        ? Optional.empty()
        : Optional.of(
            new String(
                Base64.getDecoder().decode(secret.getData().get(APPLIED_KEY)),
                StandardCharsets.UTF_8));
  }

  /** Records {@code password} as the one the running servers hold. */
  static void remember(CacheCluster cache, KubernetesClient client, String password) {
    var secrets = client.secrets().inNamespace(cache.getMetadata().getNamespace());
    Map<String, String> data =
        Map.of(
            APPLIED_KEY,
            Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    if (secrets.withName(appliedSecretName(cache)).get() != null) {
      secrets
          .withName(appliedSecretName(cache))
          .edit(s -> new SecretBuilder(s).withData(data).build());
      return;
    }
    secrets
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(appliedSecretName(cache))
                .withNamespace(cache.getMetadata().getNamespace())
                .withLabels(Labels.all(cache, EngineKind.CACHE))
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion(cache.getApiVersion())
                        .withKind(cache.getKind())
                        .withName(cache.getMetadata().getName())
                        .withUid(cache.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withData(data)
                .build())
        .create();
  }

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
