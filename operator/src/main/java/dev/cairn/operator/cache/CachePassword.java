package dev.cairn.operator.cache;

import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Labels;
import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.Owners;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The password of a CacheCluster's {@code spec.auth}, read from its Secret: the pods get it as an
 * environment variable, the operator needs it itself to AUTH its probes of a replicated cache and
 * to give the sentinels the master's auth-pass.
 *
 * <p>The passwords the running servers may hold are kept in a Secret of the operator's own, {@code
 * <name>-applied-password} (owned by the CacheCluster): key {@code password}, the one recorded
 * last, and while a rotation runs {@code pending-1}, {@code pending-2}, … its targets (more than
 * one when the Secret changed again before a rotation finished; each may have reached some
 * servers). When the user's Secret changes the pods still run with the old password, which the
 * operator needs to move them to the new one ({@link CachePasswordRotation}); Kubernetes keeps no
 * earlier version of a Secret.
 */
final class CachePassword {
  static final String APPLIED_KEY = "password";
  static final String PENDING_KEY = "pending-";

  private CachePassword() {}

  static String appliedSecretName(CacheCluster cache) {
    return Names.of(cache) + "-applied-password";
  }

  /**
   * The passwords the running servers may hold, the one recorded last first; empty before the
   * operator first recorded one.
   */
  static List<String> held(CacheCluster cache, KubernetesClient client) {
    Secret secret =
        client
            .secrets()
            .inNamespace(cache.getMetadata().getNamespace())
            .withName(appliedSecretName(cache))
            .get();
    List<String> out = new ArrayList<>();
    Map<String, String> data = secret == null ? null : secret.getData();
    if (data == null || !data.containsKey(APPLIED_KEY)) {
      return out;
    }
    out.add(decode(data.get(APPLIED_KEY)));
    for (int i = 1; data.containsKey(PENDING_KEY + i); i++) {
      out.add(decode(data.get(PENDING_KEY + i)));
    }
    return out;
  }

  /**
   * Records {@code held}: the first as the password the running servers hold, the others as targets
   * of a rotation under way.
   */
  static void remember(CacheCluster cache, KubernetesClient client, List<String> held) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(APPLIED_KEY, encode(held.get(0)));
    for (int i = 1; i < held.size(); i++) {
      data.put(PENDING_KEY + i, encode(held.get(i)));
    }
    var secrets = client.secrets().inNamespace(cache.getMetadata().getNamespace());
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
                .withOwnerReferences(Owners.controller(cache))
                .endMetadata()
                .withData(data)
                .build())
        .create();
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
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
      return Optional.of(decode(secret.getData().get(ref.getKey())));
    }
    return secret.getStringData() == null
        ? Optional.empty()
        : Optional.ofNullable(secret.getStringData().get(ref.getKey()));
  }
}
