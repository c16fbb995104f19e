package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.Owners;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The ensemble's ZooKeeper super user, whom {@code reconfig} requires: a random password in a
 * Secret named {@code <ensemble>-super}, created once and owned by the Ensemble (deleted with it).
 * The servers get only its digest ({@code CAIRN_SUPER_DIGEST}, ZooKeeper's {@code superDigest}
 * format); the operator reads the password when it reconfigures.
 */
final class EnsembleSuperUser {
  static final String PASSWORD = "password";
  static final String DIGEST = "digest";

  private static final SecureRandom RANDOM = new SecureRandom();

  private EnsembleSuperUser() {}

  static String secretName(Ensemble ensemble) {
    return Names.of(ensemble) + "-super";
  }

  /** Creates the Secret unless it exists; an existing password is never replaced. */
  static void ensure(Ensemble ensemble, KubernetesClient client) {
    var secrets = client.secrets().inNamespace(ensemble.getMetadata().getNamespace());
    if (secrets.withName(secretName(ensemble)).get() != null) {
      return;
    }
    byte[] raw = new byte[24];
    RANDOM.nextBytes(raw);
    String password = HexFormat.of().formatHex(raw);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(secretName(ensemble))
            .withNamespace(ensemble.getMetadata().getNamespace())
            .withOwnerReferences(Owners.controller(ensemble))
            .endMetadata()
            .addToData(PASSWORD, base64(password))
            .addToData(DIGEST, base64(digest(password)))
            .build();
    secrets.resource(secret).create();
  }

  /** The password, from the Secret. */
  static String password(Ensemble ensemble, KubernetesClient client) {
    Secret secret =
        client
            .secrets()
            .inNamespace(ensemble.getMetadata().getNamespace())
            .withName(secretName(ensemble))
            .get();
    if (secret == null) {
      throw new IllegalStateException("Secret " + secretName(ensemble) + " is missing");
    }
    return new String(
        Base64.getDecoder().decode(secret.getData().get(PASSWORD)), StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** ZooKeeper's digest of the super user: {@code super:base64(sha1("super:" + password))}. */
  static String digest(String password) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest(("super:" + password).getBytes(StandardCharsets.UTF_8));
      return "super:" + Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
