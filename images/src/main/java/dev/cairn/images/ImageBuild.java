package dev.cairn.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code cairn-<name>.tar} for every {@link CairnImage} (run by {@code images/build.sh}).
 * Arguments: the checkout, the build's work directory (holding {@code runtime-root/} and {@code
 * operator-app/}), the output directory and the version (the tag and the version label). Prints
 * each image's compressed size (the archive, what a registry stores) and unpacked size.
 */
public final class ImageBuild {
  static final String SOURCE = "https://github.com/cairn-platform/cairn";
  static final String LICENSES = "Apache-2.0";

  private ImageBuild() {}

  public static void main(String[] args) throws IOException {
    Path checkout = Path.of(args[0]).toRealPath();
    Path work = Path.of(args[1]).toRealPath();
    Path out = Files.createDirectories(Path.of(args[2]));
    String version = args[3];
    Path blobs = Files.createDirectories(work.resolve("layers"));

    Layer runtime =
        Layer.write(
            blobs.resolve("runtime.tar.gz"),
            Map.of("/", work.resolve("runtime-root")),
            List.of("/home/cairn"),
            CairnImage.USER);
    for (CairnImage image : CairnImage.ALL) {
      Path prefix = blobs.resolve(image.name());
      Layer dependencies =
          layer(prefix + "-dependencies", image.dependencies(), List.of(), checkout, work);
      Layer application =
          layer(
              prefix + "-application",
              image.application(),
              image.ownedDirectories(),
              checkout,
              work);
      List<Layer> layers = List.of(runtime, dependencies, application);
      Path archive = out.resolve(image.archiveName());
      OciArchive.write(
          archive,
          version,
          layers,
          List.of(
              "images/runtime-root.sh: Debian 12 libc6, libgcc-s1, base-files, netbase; jlinked JRE",
              "images: " + image.name() + " dependencies",
              "images: " + image.name() + " application"),
          config(image, version),
          labels(image, version));
      long unpacked = layers.stream().mapToLong(Layer::uncompressedSize).sum();
      System.out.printf(
          "%s: %.1f MB compressed, %.1f MB unpacked%n",
          archive, Files.size(archive) / 1e6, unpacked / 1e6);
    }
  }

  /** The layer {@code <name>.tar.gz} holding {@code sources} (host path to image path). */
  private static Layer layer(
      String name, Map<String, String> sources, List<String> owned, Path checkout, Path work)
      throws IOException {
    Map<String, Path> byImagePath = new LinkedHashMap<>();
    sources.forEach((source, imagePath) ->
        byImagePath.put(imagePath, CairnImage.hostPath(source, checkout, work)));
    return Layer.write(Path.of(name + ".tar.gz"), byImagePath, owned, CairnImage.USER);
  }

  private static Map<String, Object> config(CairnImage image, String version) {
    List<String> env = new ArrayList<>(CairnImage.BASE_ENV);
    env.addAll(image.env());
    Map<String, Object> ports = new LinkedHashMap<>();
    image.ports().forEach(p -> ports.put(p + "/tcp", Map.of()));
    Map<String, Object> config =
        OciArchive.ordered(
            "User",
            CairnImage.USER + ":" + CairnImage.USER,
            "Env",
            env,
            "Entrypoint",
            image.entrypoint(),
            "WorkingDir",
            image.workingDir(),
            "ExposedPorts",
            ports,
            "Labels",
            labels(image, version));
    if (!image.cmd().isEmpty()) {
      config.put("Cmd", image.cmd());
    }
    if (!image.ownedDirectories().isEmpty()) {
      Map<String, Object> volumes = new LinkedHashMap<>();
      image.ownedDirectories().forEach(d -> volumes.put(d, Map.of()));
      config.put("Volumes", volumes);
    }
    return config;
  }

  private static Map<String, String> labels(CairnImage image, String version) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", "cairn-" + image.name());
    labels.put("org.opencontainers.image.description", image.description());
    labels.put("org.opencontainers.image.version", version);
    labels.put("org.opencontainers.image.source", SOURCE);
    labels.put("org.opencontainers.image.licenses", LICENSES);
    labels.put("org.opencontainers.image.base.name", "debian:12 (libc6, libgcc-s1) + jlinked JRE");
    return labels;
  }
}
