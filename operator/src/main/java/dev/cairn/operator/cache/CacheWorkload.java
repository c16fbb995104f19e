package dev.cairn.operator.cache;

import dev.cairn.operator.common.DataVolume;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.InvalidSpecException;
import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.NativeConfig;
import dev.cairn.operator.common.Ports;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CacheCluster as a cache workload. redis.conf gets port, bind, dir, persistence and the memory
 * settings; the password never enters the ConfigMap: it comes from its Secret as {@code
 * CAIRN_PASSWORD} and reaches the server as {@code --requirepass $(CAIRN_PASSWORD)}, the same flag
 * redis-server takes (replicated: also {@code --masterauth $(CAIRN_PASSWORD)}).
 */
public final class CacheWorkload {
  public static final int PORT = 6379;
  static final String PASSWORD_ENV = "CAIRN_PASSWORD";

  /** redis.conf keys a user may set, and the reserved ones with the field that sets them. */
  public static final NativeConfig REDIS_CONF =
      new NativeConfig(
          "redis.conf",
          " ",
          Set.of(
              "aof-load-truncated",
              "aof-use-rdb-preamble",
              "auto-aof-rewrite-min-size",
              "auto-aof-rewrite-percentage",
              "databases",
              "dbfilename",
              "hz",
              "io-threads",
              "latency-monitor-threshold",
              "lfu-decay-time",
              "lfu-log-factor",
              "loglevel",
              "maxclients",
              "maxmemory-samples",
              "no-appendfsync-on-rewrite",
              "notify-keyspace-events",
              "proto-max-bulk-len",
              "rdbchecksum",
              "rdbcompression",
              "slowlog-log-slower-than",
              "slowlog-max-len",
              "stop-writes-on-bgsave-error",
              "tcp-keepalive",
              "timeout"),
          Map.ofEntries(
              Map.entry("port", "the client Service (port 6379)"),
              Map.entry("bind", "the operator (it binds all pod addresses)"),
              Map.entry("dir", "spec.storage"),
              Map.entry("requirepass", "spec.auth.passwordSecretRef"),
              Map.entry("aclfile", "spec.auth.passwordSecretRef"),
              Map.entry("maxmemory", "spec.maxmemory"),
              Map.entry("appendonly", "spec.persistence.aof"),
              Map.entry("appendfsync", "spec.persistence.aofFsync"),
              Map.entry("save", "spec.persistence.rdbSave"),
              Map.entry("appenddirname", "spec.persistence (appendonlydir/ on the volume)"),
              Map.entry("maxmemory-policy", "spec.maxmemoryPolicy"),
              Map.entry("protected-mode", "spec.auth"),
              Map.entry("daemonize", "nothing (the server runs in the foreground)"),
              Map.entry("logfile", "nothing (the server logs to standard output)"),
              Map.entry("admin-bind", "nothing (the admin port serves probes and metrics)"),
              Map.entry("admin-port", "nothing (the admin port is 9121)")));

  private CacheWorkload() {}

  public static Workload of(CacheCluster cache) {
    CacheClusterSpec spec = cache.getSpec();
    if (spec.replicated() && spec.servers() < 2) {
      throw new InvalidSpecException(
          "mode: replicated needs at least 2 replicas (a primary and one replica).");
    }
    CacheSentinel sentinel = spec.sentinels();
    if (spec.replicated() && sentinel.quorum > sentinel.count) {
      throw new InvalidSpecException(
          "sentinel.quorum ("
              + sentinel.quorum
              + ") must be <= sentinel.count ("
              + sentinel.count
              + ").");
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("port", Integer.toString(PORT));
    keys.put("bind", "0.0.0.0");
    keys.put("dir", EngineKind.DATA_DIR);
    keys.put("admin-bind", "0.0.0.0");
    keys.put("admin-port", Integer.toString(EngineKind.CACHE.adminPort()));
    // Reachable from other pods: the password (when set) and the cluster network are the boundary.
    keys.put("protected-mode", "no");
    if (spec.maxmemory != null && !spec.maxmemory.isBlank()) {
      keys.put("maxmemory", spec.maxmemory);
    }
    if (spec.maxmemoryPolicy != null && !spec.maxmemoryPolicy.isBlank()) {
      keys.put("maxmemory-policy", spec.maxmemoryPolicy);
    }
    (spec.persistence == null ? new CachePersistence() : spec.persistence).render(keys);
    String conf = REDIS_CONF.render(keys, spec.config);

    List<String> args = new ArrayList<>();
    List<EnvVar> env = new ArrayList<>();
    if (spec.replicated()) {
      // The primary lists a replica, and the sentinels find it, at the source address of its
      // connection: the pod's own IP (in the local cluster every pod shares the loopback device).
      args.add("--bind-source-addr");
      args.add("$(POD_IP)");
      // Every server starts as a replica of no one (see CacheReplication.NO_PRIMARY): a restarted
      // primary must not take writes its replicas acknowledge while the sentinels promote another.
      args.add("--replicaof");
      args.addAll(List.of(CacheReplication.NO_PRIMARY.split(" ")));
    }
    if (spec.auth != null && spec.auth.passwordSecretRef != null) {
      env.add(
          new EnvVarBuilder()
              .withName(PASSWORD_ENV)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(spec.auth.passwordSecretRef.getName())
              .withKey(spec.auth.passwordSecretRef.getKey())
              .endSecretKeyRef()
              .endValueFrom()
              .build());
      args.add("--requirepass");
      args.add("$(" + PASSWORD_ENV + ")");
      if (spec.replicated()) {
        // Every server may become a replica after a failover: each follows its primary with it.
        args.add("--masterauth");
        args.add("$(" + PASSWORD_ENV + ")");
      }
    }
    return new Workload(
        EngineKind.CACHE,
        spec.image == null || spec.image.isBlank() ? EngineKind.CACHE.defaultImage() : spec.image,
        spec.servers(),
        spec.resources,
        spec.template,
        List.of(new DataVolume("data", spec.storage, EngineKind.DATA_DIR)),
        conf,
        args,
        env,
        List.of(Ports.container("redis", PORT)),
        List.of(Ports.service("redis", PORT)));
  }

  /** host:port of the client Service. */
  public static String endpoints(CacheCluster cache) {
    return Names.serviceHost(cache, Names.of(cache)) + ":" + PORT;
  }

  /** host:port of the sentinels' Service. */
  public static String sentinelEndpoints(CacheCluster cache) {
    return Names.serviceHost(cache, CacheSentinels.service(cache)) + ":" + CacheSentinels.PORT;
  }
}
