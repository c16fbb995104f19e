package dev.cairn.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The four images Cairn ships, as data: what each layer holds, how the container starts and what it
 * declares. Every image starts from the same runtime layer (the Debian root with the jlinked JRE at
 * {@code /opt/java}, {@code runtime-root.sh}), so a registry or node stores it once; the
 * dependencies layer comes next because it changes less often than the application layer.
 *
 * <p>Engines follow the operator's contract ({@code EngineKind}, {@code ClusterStatefulSet}): the
 * entrypoint is {@code java @/opt/cairn/jvm.options -jar /opt/cairn/cairn-<engine>.jar} and the
 * first argument is the native config file, {@code /etc/cairn/<file>} (the image ships a
 * single-node default there; the operator mounts its ConfigMap over the directory). Data lives
 * under {@code /var/lib/cairn}, the only directory user 1000 owns, so the root file system can be
 * read-only; the JVM also needs a writable {@code /tmp} (an emptyDir in Kubernetes).
 *
 * @param name the archive and repository name: {@code cairn-<name>.tar}, {@code cairn/<name>}
 * @param dependencies host paths (relative to the checkout) to image paths, the dependencies layer
 * @param application host paths (relative to the checkout, or to the build's work directory when
 *     they start with {@code work/}) to image paths, the application layer
 * @param ownedDirectories directories the application layer creates for user 1000
 * @param ports exposed TCP ports
 */
record CairnImage(
    String name,
    String description,
    Map<String, String> dependencies,
    Map<String, String> application,
    List<String> ownedDirectories,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    List<String> env,
    List<Integer> ports) {

  static final int USER = 1000;
  static final String DATA_DIR = "/var/lib/cairn";
  static final List<String> BASE_ENV =
      List.of("PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "HOME=/home/cairn");

  static final List<CairnImage> ALL =
      List.of(
          new CairnImage(
              "operator",
              "The Cairn operator: Ensemble, BrokerCluster, Topic and CacheCluster resources.",
              Map.of("work/operator-app/lib", "/opt/cairn/operator/lib"),
              Map.of(
                  "work/operator-app/quarkus-run.jar", "/opt/cairn/operator/quarkus-run.jar",
                  "work/operator-app/app", "/opt/cairn/operator/app",
                  "work/operator-app/quarkus", "/opt/cairn/operator/quarkus",
                  "work/operator-app/app.aot", "/opt/cairn/operator/app.aot",
                  "operator/jvm.options", "/opt/cairn/operator/jvm.options"),
              List.of(),
              // Relative paths on purpose: the AOT cache matches the class path it was trained
              // with (images/build.sh trains it from the same directory layout).
              List.of("java", "@jvm.options", "-XX:AOTCache=app.aot", "-jar", "quarkus-run.jar"),
              List.of(),
              "/opt/cairn/operator",
              List.of("MALLOC_ARENA_MAX=2"),
              List.of(8080)),
          engine(
              "broker",
              "Cairn broker: the Kafka protocol.",
              "server.properties",
              List.of(9092, 9404)),
          engine(
              "coord",
              "Cairn coordinator: the ZooKeeper protocol.",
              "zoo.cfg",
              List.of(2181, 7000)),
          engine("cache", "Cairn cache: the Redis protocol.", "redis.conf", List.of(6379, 9121)));

  private static CairnImage engine(
      String name, String description, String configFile, List<Integer> ports) {
    String module = name + "-image/";
    return new CairnImage(
        name,
        description,
        Map.of(module + "target/lib", "/opt/cairn/lib"),
        Map.of(
            module + "target/cairn-" + name + ".jar", "/opt/cairn/cairn-" + name + ".jar",
            module + "jvm.options", "/opt/cairn/jvm.options",
            "images/config/" + name + "/" + configFile, "/etc/cairn/" + configFile),
        List.of(DATA_DIR),
        List.of("java", "@/opt/cairn/jvm.options", "-jar", "/opt/cairn/cairn-" + name + ".jar"),
        List.of("/etc/cairn/" + configFile),
        "/opt/cairn",
        List.of(),
        ports);
  }

  /** The host path of {@code source} (a key of {@link #dependencies} or {@link #application}). */
  static Path hostPath(String source, Path checkout, Path work) {
    return source.startsWith("work/")
        ? work.resolve(source.substring("work/".length()))
        : checkout.resolve(source);
  }

  String archiveName() {
    return "cairn-" + name + ".tar";
  }
}
