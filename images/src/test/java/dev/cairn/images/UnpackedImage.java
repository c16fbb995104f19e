package dev.cairn.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An image archive unpacked the way a container runtime would: the OCI layout extracted, then umoci
 * (an OCI implementation independent of {@link OciArchive}) applies the layers into {@code rootfs/}
 * and turns the image config into a runtime spec ({@code config.json}) whose process (arguments,
 * user, working directory, environment) and annotations (the image's labels) are read from here.
 */
record UnpackedImage(
    Path rootfs,
    List<String> args,
    List<String> env,
    String cwd,
    int uid,
    int gid,
    Map<String, String> annotations) {

  static UnpackedImage unpack(Path archive, String tag, Path dir) throws IOException {
    Path layout = Files.createDirectories(dir.resolve("layout"));
    Path bundle = dir.resolve("bundle");
    Commands.check("tar", "-xf", archive.toString(), "-C", layout.toString());
    Commands.check("umoci", "unpack", "--image", layout + ":" + tag, bundle.toString());
    JsonNode spec = new ObjectMapper().readTree(bundle.resolve("config.json").toFile());
    JsonNode process = spec.path("process");
    Map<String, String> annotations = new TreeMap<>();
    spec.path("annotations")
        .properties()
        .forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new UnpackedImage(
        bundle.resolve("rootfs"),
        strings(process.path("args")),
        strings(process.path("env")),
        process.path("cwd").asText(),
        process.path("user").path("uid").asInt(),
        process.path("user").path("gid").asInt(),
        annotations);
  }

  /** Bytes of the regular files in the root file system. */
  long size() throws IOException {
    try (Stream<Path> files = Files.walk(rootfs)) {
      return files
          .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .mapToLong(p -> {
            try {
              return Files.size(p);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .sum();
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
