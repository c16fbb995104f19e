package dev.cairn.operator.common;

/**
 * The three Cairn engines as the operator runs them. Every engine image's entrypoint runs {@code
 * /opt/cairn/cairn-<engine>.jar} with the image's JVM options; the operator passes the native
 * config file as first argument. The admin port serves {@code /metrics}, {@code /healthz} and
 * {@code /readyz} (ARCHITECTURE.md: broker 9404, coordinator 7000, cache 9121).
 */
public enum EngineKind {
  COORDINATOR("coordinator", "coord", "zoo.cfg", 7000),
  BROKER("broker", "broker", "server.properties", 9404),
  CACHE("cache", "cache", "redis.conf", 9121);

  /** The engine release this operator deploys when a resource names no image. */
  public static final String VERSION = "0.1.0";

  public static final String CONFIG_DIR = "/etc/cairn";
  public static final String DATA_DIR = "/var/lib/cairn";

  private final String component;
  private final String imageName;
  private final String configFile;
  private final int adminPort;

  EngineKind(String component, String imageName, String configFile, int adminPort) {
    this.component = component;
    this.imageName = imageName;
    this.configFile = configFile;
    this.adminPort = adminPort;
  }

  /** The {@code app.kubernetes.io/component} label value. */
  public String component() {
    return component;
  }

  /** The short engine name used in image and jar names ({@code coord}, {@code broker}, ...). */
  public String imageName() {
    return imageName;
  }

  public String configFile() {
    return configFile;
  }

  public String configPath() {
    return CONFIG_DIR + "/" + configFile;
  }

  public int adminPort() {
    return adminPort;
  }

  public String defaultImage() {
    return "cairn/" + imageName + ":" + VERSION;
  }
}
