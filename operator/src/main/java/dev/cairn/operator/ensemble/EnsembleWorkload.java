package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.DataVolume;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.InvalidSpecException;
import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.NativeConfig;
import dev.cairn.operator.common.Ports;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An Ensemble as a coordinator workload. zoo.cfg: the operator sets {@code dataDir}, {@code
 * clientPort} and, for more than one server, {@code server.N=<pod host>:2888:3888} with {@code N =
 * ordinal + 1}, the pods' stable names through the headless Service. Every pod shares that zoo.cfg;
 * each finds its own N from its host name ({@code CAIRN_MYID_FROM_HOSTNAME=true}: the coordinator
 * writes {@code dataDir/myid} from the pod ordinal). Users may set the tuning keys of {@link
 * #ZOO_CFG}; {@code tickTime}, {@code initLimit} and {@code syncLimit} default to ZooKeeper's
 * sample values. The four-letter words {@code srvr} and {@code mntr} are always allowed: the
 * operator reads the ensemble's roles and sync state with them.
 */
public final class EnsembleWorkload {
  public static final int CLIENT_PORT = 2181;
  public static final int QUORUM_PORT = 2888;
  public static final int ELECTION_PORT = 3888;

  /** The words the operator's {@link FourLetterProbe} sends. */
  static final Set<String> PROBE_WORDS = Set.of("srvr", "mntr");

  static final String WHITELIST = "4lw.commands.whitelist";

  /** The coordinator's switch for deriving {@code myid} from the pod's host name. */
  static final String MYID_FROM_HOSTNAME = "CAIRN_MYID_FROM_HOSTNAME";

  /** The coordinator's super user digest (ZooKeeper's {@code superDigest}). */
  static final String SUPER_DIGEST_ENV = "CAIRN_SUPER_DIGEST";

  /** zoo.cfg keys a user may set, and the reserved ones with the field that sets them. */
  public static final NativeConfig ZOO_CFG =
      new NativeConfig(
          "zoo.cfg",
          "=",
          Set.of(
              "tickTime",
              "initLimit",
              "syncLimit",
              "maxClientCnxns",
              "minSessionTimeout",
              "maxSessionTimeout",
              "autopurge.snapRetainCount",
              "autopurge.purgeInterval",
              "4lw.commands.whitelist"),
          Map.of(
              "dataDir", "spec.storage (the data volume is mounted by the operator)",
              "dataLogDir", "spec.storage (the data volume is mounted by the operator)",
              "clientPort", "the client Service (port 2181)",
              "clientPortAddress", "nothing (the server listens on the pod address)",
              "standaloneEnabled", "spec.replicas",
              "reconfigEnabled", "spec.replicas",
              "admin.enableServer", "nothing (the admin port serves probes and metrics)",
              "admin.serverAddress", "nothing (the admin port serves probes and metrics)",
              "admin.serverPort", "nothing (the admin port is 7000)"));

  private static final Map<String, String> DEFAULTS =
      Map.of("tickTime", "2000", "initLimit", "10", "syncLimit", "5");

  private EnsembleWorkload() {}

  public static Workload of(Ensemble ensemble) {
    EnsembleSpec spec = ensemble.getSpec();
    Map<String, String> user = spec.config == null ? Map.of() : spec.config;
    reject(user);
    Map<String, String> operatorKeys = new LinkedHashMap<>();
    operatorKeys.put("dataDir", EngineKind.DATA_DIR + "/data");
    operatorKeys.put("clientPort", Integer.toString(CLIENT_PORT));
    operatorKeys.put("clientPortAddress", "0.0.0.0");
    operatorKeys.put("admin.serverAddress", "0.0.0.0");
    operatorKeys.put("admin.serverPort", Integer.toString(EngineKind.COORDINATOR.adminPort()));
    List<io.fabric8.kubernetes.api.model.EnvVar> env = new java.util.ArrayList<>();
    env.add(new EnvVarBuilder().withName(MYID_FROM_HOSTNAME).withValue("true").build());
    if (spec.replicas > 1) {
      operatorKeys.put("reconfigEnabled", "true");
      for (int id = 1; id <= spec.replicas; id++) {
        operatorKeys.put("server." + id, serverSpec(ensemble, id));
      }
      env.add(
          new EnvVarBuilder()
              .withName(SUPER_DIGEST_ENV)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(EnsembleSuperUser.secretName(ensemble))
              .withKey(EnsembleSuperUser.DIGEST)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    Map<String, String> merged = new TreeMap<>(DEFAULTS);
    merged.putAll(user);
    merged.put(WHITELIST, withProbeWords(merged.get(WHITELIST)));
    String zooCfg = ZOO_CFG.render(operatorKeys, merged);
    return new Workload(
        EngineKind.COORDINATOR,
        spec.image == null || spec.image.isBlank()
            ? EngineKind.COORDINATOR.defaultImage()
            : spec.image,
        spec.replicas,
        spec.resources,
        spec.template,
        List.of(new DataVolume("data", spec.storage, EngineKind.DATA_DIR)),
        zooCfg,
        List.of(),
        env,
        List.of(
            Ports.container("client", CLIENT_PORT),
            Ports.container("quorum", QUORUM_PORT),
            Ports.container("election", ELECTION_PORT)),
        List.of(Ports.service("client", CLIENT_PORT)));
  }

  /**
   * The {@code server.N} value for server {@code id} (pod ordinal {@code id - 1}), with its client
   * port: {@code reconfig} requires it of a joining server, as ZooKeeper does.
   */
  private static String serverSpec(Ensemble ensemble, int id) {
    return Names.podHost(ensemble, id - 1)
        + ":"
        + QUORUM_PORT
        + ":"
        + ELECTION_PORT
        + ":participant;"
        + CLIENT_PORT;
  }

  /** The line {@code reconfig -add} takes for server {@code id}, as zoo.cfg has it. */
  static String serverLine(Ensemble ensemble, int id) {
    return "server." + id + "=" + serverSpec(ensemble, id);
  }

  /** The user's whitelist (ZooKeeper's default: {@code srvr}) plus what the probe needs. */
  private static String withProbeWords(String user) {
    Set<String> words = new TreeSet<>(PROBE_WORDS);
    if (user != null) {
      for (String word : user.split(",")) {
        if (!word.isBlank()) {
          words.add(word.strip());
        }
      }
    }
    return words.contains("*") ? "*" : String.join(",", words);
  }

  /** Rejects {@code server.N} lines, which only the operator writes. */
  private static void reject(Map<String, String> user) {
    for (String key : user.keySet()) {
      if (key.startsWith("server.") || key.startsWith("group.") || key.startsWith("weight.")) {
        throw new InvalidSpecException(
            "zoo.cfg key '" + key + "' is set by the operator; use spec.replicas");
      }
    }
  }

  /** The client connect string through the client Service. */
  public static String connectString(Ensemble ensemble) {
    return Names.serviceHost(ensemble, Names.of(ensemble)) + ":" + CLIENT_PORT;
  }
}
