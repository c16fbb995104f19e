package dev.cairn.coord;

import dev.cairn.common.config.Config;
import dev.cairn.common.config.ConfigException;
import dev.cairn.common.config.ConfigKey;
import dev.cairn.common.config.ConfigSchema;
import dev.cairn.common.config.Parsers;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coordinator's configuration, read from a ZooKeeper {@code zoo.cfg} (Java properties syntax)
 * with ZooKeeper's key names and defaults, or built in code ({@link #builder}) by tests and by the
 * broker's embedded coordinator.
 *
 * <p>Unknown keys and bad values fail start-up naming the key. {@code server.N} lines are parsed
 * and validated ({@code
 * host:peerPort:electionPort[:participant|observer][;[clientHost:]clientPort]}) and kept for the
 * ensemble; this version serves standalone. {@code jute.maxbuffer} comes from the key, else the
 * system property, else ZooKeeper's 0xfffff. {@code admin.serverPort} is the admin HTTP port
 * (metrics, health) — 7000 by default, not ZooKeeper's 8080.
 *
 * @param minSessionTimeout effective value: 2 × tickTime when not set
 * @param maxSessionTimeout effective value: 20 × tickTime when not set
 * @param fourLetterWords allowed words; "*" allows all
 * @param servers the {@code server.N} lines by id (zoo.cfg's, or the dynamic config file's)
 * @param serversVersion the configuration version of {@code servers}: 0 for zoo.cfg's own lines,
 *     the hex suffix of the dynamic config file's name otherwise, as ZooKeeper reads it
 * @param configFile the zoo.cfg this was read from, null when built in code: where a committed
 *     reconfiguration writes {@code zoo.cfg.dynamic.<version>} and rewrites zoo.cfg to name it
 * @param containerCheckIntervalMs how often empty containers and expired TTL nodes are deleted
 *     (ZooKeeper's {@code znode.container.checkIntervalMs}, also read as a system property)
 */
public record CoordinatorConfig(
    String clientPortAddress,
    int clientPort,
    Path dataDir,
    Path dataLogDir,
    int tickTime,
    int initLimit,
    int syncLimit,
    int maxClientCnxns,
    int minSessionTimeout,
    int maxSessionTimeout,
    int snapCount,
    int snapRetainCount,
    int purgeIntervalHours,
    Set<String> fourLetterWords,
    Map<Integer, String> servers,
    long serversVersion,
    Path configFile,
    boolean reconfigEnabled,
    boolean standaloneEnabled,
    int juteMaxBuffer,
    boolean extendedTypesEnabled,
    String adminAddress,
    int adminPort,
    boolean adminEnabled,
    boolean forceSync,
    int containerCheckIntervalMs) {

  static final ConfigKey<Integer> CLIENT_PORT =
      ConfigKey.of("clientPort", Parsers.intRange(0, 65535), 2181);
  static final ConfigKey<String> CLIENT_PORT_ADDRESS =
      ConfigKey.of("clientPortAddress", Parsers.nonEmpty(), "0.0.0.0");
  static final ConfigKey<String> DATA_DIR = ConfigKey.of("dataDir", Parsers.nonEmpty(), null);
  static final ConfigKey<String> DATA_LOG_DIR =
      ConfigKey.of("dataLogDir", Parsers.nonEmpty(), null);
  static final ConfigKey<Integer> TICK_TIME =
      ConfigKey.of("tickTime", Parsers.intRange(1, 3_600_000), 3000);
  static final ConfigKey<Integer> INIT_LIMIT =
      ConfigKey.of("initLimit", Parsers.intRange(1, 1_000_000), 10);
  static final ConfigKey<Integer> SYNC_LIMIT =
      ConfigKey.of("syncLimit", Parsers.intRange(1, 1_000_000), 5);
  static final ConfigKey<Integer> MAX_CLIENT_CNXNS =
      ConfigKey.of("maxClientCnxns", Parsers.intRange(0, 1_000_000), 60);
  static final ConfigKey<Integer> MIN_SESSION_TIMEOUT =
      ConfigKey.of("minSessionTimeout", Parsers.intRange(-1, Integer.MAX_VALUE), -1);
  static final ConfigKey<Integer> MAX_SESSION_TIMEOUT =
      ConfigKey.of("maxSessionTimeout", Parsers.intRange(-1, Integer.MAX_VALUE), -1);
  static final ConfigKey<Integer> SNAP_COUNT =
      ConfigKey.of(
          "snapCount",
          Parsers.intRange(2, Integer.MAX_VALUE),
          Integer.getInteger("zookeeper.snapCount", 100_000));
  static final ConfigKey<Integer> SNAP_RETAIN_COUNT =
      ConfigKey.of("autopurge.snapRetainCount", Parsers.intRange(3, 1_000_000), 3);
  static final ConfigKey<Integer> PURGE_INTERVAL =
      ConfigKey.of("autopurge.purgeInterval", Parsers.intRange(0, 1_000_000), 0);
  static final ConfigKey<String> WHITELIST =
      ConfigKey.of("4lw.commands.whitelist", Parsers.string(), "srvr");
  static final ConfigKey<Integer> JUTE_MAX_BUFFER =
      ConfigKey.of(
          "jute.maxbuffer",
          Parsers.intRange(1024, Integer.MAX_VALUE),
          Integer.getInteger("jute.maxbuffer", 0xfffff));
  static final ConfigKey<Boolean> EXTENDED_TYPES =
      ConfigKey.of(
          "extendedTypesEnabled",
          Parsers.bool(),
          Boolean.getBoolean("zookeeper.extendedTypesEnabled"));
  static final ConfigKey<Integer> ADMIN_PORT =
      ConfigKey.of("admin.serverPort", Parsers.intRange(0, 65535), 7000);
  static final ConfigKey<String> ADMIN_ADDRESS =
      ConfigKey.of("admin.serverAddress", Parsers.nonEmpty(), "0.0.0.0");
  static final ConfigKey<Boolean> ADMIN_ENABLED =
      ConfigKey.of("admin.enableServer", Parsers.bool(), true);
  static final ConfigKey<Boolean> FORCE_SYNC =
      ConfigKey.of(
          "forceSync",
          Parsers.bool(),
          !"no".equalsIgnoreCase(System.getProperty("zookeeper.forceSync", "yes")));
  static final ConfigKey<Integer> CONTAINER_CHECK_INTERVAL =
      ConfigKey.of(
          "znode.container.checkIntervalMs",
          Parsers.intRange(10, Integer.MAX_VALUE),
          Integer.getInteger("znode.container.checkIntervalMs", 60_000));
  static final ConfigKey<Boolean> STANDALONE_ENABLED =
      ConfigKey.of("standaloneEnabled", Parsers.bool(), true);
  static final ConfigKey<Boolean> RECONFIG_ENABLED =
      ConfigKey.of("reconfigEnabled", Parsers.bool(), false);
  static final ConfigKey<String> DYNAMIC_CONFIG_FILE =
      ConfigKey.of("dynamicConfigFile", Parsers.nonEmpty(), null);

  static final ConfigSchema SCHEMA =
      new ConfigSchema(
          List.of(
              CLIENT_PORT,
              CLIENT_PORT_ADDRESS,
              DATA_DIR,
              DATA_LOG_DIR,
              TICK_TIME,
              INIT_LIMIT,
              SYNC_LIMIT,
              MAX_CLIENT_CNXNS,
              MIN_SESSION_TIMEOUT,
              MAX_SESSION_TIMEOUT,
              SNAP_COUNT,
              SNAP_RETAIN_COUNT,
              PURGE_INTERVAL,
              WHITELIST,
              JUTE_MAX_BUFFER,
              EXTENDED_TYPES,
              ADMIN_PORT,
              ADMIN_ADDRESS,
              ADMIN_ENABLED,
              FORCE_SYNC,
              CONTAINER_CHECK_INTERVAL,
              STANDALONE_ENABLED,
              RECONFIG_ENABLED,
              DYNAMIC_CONFIG_FILE));

  private static final Pattern SERVER_KEY = Pattern.compile("server\\.(\\d{1,3})");
  private static final Pattern SERVER_VALUE =
      Pattern.compile(
          "[^:;\\s]+:\\d{1,5}:\\d{1,5}(:(participant|observer))?(;([^:;\\s]+:)?\\d{1,5})?");

  public CoordinatorConfig {
    fourLetterWords = Set.copyOf(fourLetterWords);
    servers = Map.copyOf(servers);
    if (dataLogDir == null) {
      dataLogDir = dataDir;
    }
    if (minSessionTimeout <= 0) {
      minSessionTimeout = 2 * tickTime;
    }
    if (maxSessionTimeout <= 0) {
      maxSessionTimeout = 20 * tickTime;
    }
    if (minSessionTimeout > maxSessionTimeout) {
      throw new ConfigException(
          "minSessionTimeout "
              + minSessionTimeout
              + " must not be larger than maxSessionTimeout "
              + maxSessionTimeout);
    }
  }

  /**
   * Reads a zoo.cfg file and, when it names one with {@code dynamicConfigFile}, the dynamic config
   * file holding the {@code server.N} lines, as ZooKeeper 3.5+ does.
   */
  public static CoordinatorConfig load(Path file) throws IOException {
    Map<String, String> raw = properties(file);
    long version = 0;
    String dynamic = raw.get(DYNAMIC_CONFIG_FILE.name());
    if (dynamic != null) {
      for (String key : raw.keySet()) {
        if (SERVER_KEY.matcher(key).matches()) {
          throw new ConfigException(
              key
                  + " is in "
                  + file
                  + ", which names dynamicConfigFile "
                  + dynamic
                  + ": server lines belong in the dynamic file only");
        }
      }
      Path dynamicFile = file.resolveSibling(dynamic);
      Map<String, String> servers = properties(dynamicFile);
      for (String key : servers.keySet()) {
        if (!SERVER_KEY.matcher(key).matches()) {
          throw new ConfigException(
              "dynamic config file "
                  + dynamicFile
                  + " holds '"
                  + key
                  + "': only server.N lines belong there (the version is in its name)");
        }
      }
      raw.putAll(servers);
      version = dynamicVersion(dynamicFile);
    }
    return parse(raw, version, file);
  }

  /** The version a dynamic config file's name ends in ({@code zoo.cfg.dynamic.<hex>}), else 0. */
  static long dynamicVersion(Path dynamicFile) {
    String name = dynamicFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    try {
      return dot < 0 ? 0 : Long.parseUnsignedLong(name.substring(dot + 1), 16);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, String> properties(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> raw = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      raw.put(name, p.getProperty(name).trim());
    }
    return raw;
  }

  /** Validates zoo.cfg key/values. */
  public static CoordinatorConfig parse(Map<String, String> raw) {
    return parse(raw, 0, null);
  }

  private static CoordinatorConfig parse(
      Map<String, String> raw, long serversVersion, Path configFile) {
    Map<String, String> plain = new LinkedHashMap<>();
    Map<Integer, String> servers = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      Matcher m = SERVER_KEY.matcher(e.getKey());
      if (m.matches()) {
        int id = Integer.parseInt(m.group(1));
        if (id > 255 || !SERVER_VALUE.matcher(e.getValue()).matches()) {
          throw ConfigException.invalidValue(
              e.getKey(),
              e.getValue(),
              "server.N (N in [0, 255]) = host:peerPort:electionPort[:participant|observer]"
                  + "[;[clientHost:]clientPort]");
        }
        servers.put(id, e.getValue());
      } else {
        plain.put(e.getKey(), e.getValue());
      }
    }
    Config c = SCHEMA.parse(plain);
    if (!c.isSet(DATA_DIR)) {
      throw new ConfigException("dataDir is not set: it is required");
    }
    Set<String> words = new LinkedHashSet<>();
    for (String w : c.get(WHITELIST).split(",")) {
      if (!w.isBlank()) {
        words.add(w.trim());
      }
    }
    return new CoordinatorConfig(
        c.get(CLIENT_PORT_ADDRESS),
        c.get(CLIENT_PORT),
        Path.of(c.get(DATA_DIR)),
        c.isSet(DATA_LOG_DIR) ? Path.of(c.get(DATA_LOG_DIR)) : null,
        c.get(TICK_TIME),
        c.get(INIT_LIMIT),
        c.get(SYNC_LIMIT),
        c.get(MAX_CLIENT_CNXNS),
        c.get(MIN_SESSION_TIMEOUT),
        c.get(MAX_SESSION_TIMEOUT),
        c.get(SNAP_COUNT),
        c.get(SNAP_RETAIN_COUNT),
        c.get(PURGE_INTERVAL),
        words,
        servers,
        serversVersion,
        configFile,
        c.get(RECONFIG_ENABLED),
        c.get(STANDALONE_ENABLED),
        c.get(JUTE_MAX_BUFFER),
        c.get(EXTENDED_TYPES),
        c.get(ADMIN_ADDRESS),
        c.get(ADMIN_PORT),
        c.get(ADMIN_ENABLED),
        c.get(FORCE_SYNC),
        c.get(CONTAINER_CHECK_INTERVAL));
  }

  /** A builder with ZooKeeper's defaults, for code that embeds the coordinator. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Programmatic configuration; port 0 means a free port (read it from the engine). */
  public static final class Builder {
    private final Map<String, String> raw = new LinkedHashMap<>();

    private Builder(Path dataDir) {
      raw.put("dataDir", dataDir.toString());
    }

    /** Sets any zoo.cfg key, validated at {@link #build}. */
    public Builder set(String key, Object value) {
      raw.put(key, String.valueOf(value));
      return this;
    }

    public Builder clientPort(int port) {
      return set("clientPort", port);
    }

    public Builder clientPortAddress(String address) {
      return set("clientPortAddress", address);
    }

    public Builder adminPort(int port) {
      return set("admin.serverPort", port);
    }

    public Builder adminAddress(String address) {
      return set("admin.serverAddress", address);
    }

    public Builder adminEnabled(boolean enabled) {
      return set("admin.enableServer", enabled);
    }

    public Builder dataLogDir(Path dir) {
      return set("dataLogDir", dir);
    }

    public Builder tickTime(int millis) {
      return set("tickTime", millis);
    }

    public CoordinatorConfig build() {
      return parse(raw);
    }
  }
}
