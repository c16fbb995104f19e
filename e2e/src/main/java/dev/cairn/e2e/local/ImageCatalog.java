package dev.cairn.e2e.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * Maps a container image to the engine jar the local cluster runs instead: the repository of the
 * image ({@code cairn/cache}, {@code ghcr.io/x/cairn-cache}, ...) names the engine, the tag is
 * ignored because the jar built from this checkout is the only version at hand.
 */
public final class ImageCatalog {
  private final Map<String, Path> jarsByEngine;

  public ImageCatalog(Map<String, Path> jarsByEngine) {
    this.jarsByEngine = Map.copyOf(jarsByEngine);
  }

  /** The jars built in a checkout at {@code root}: cache, coord and broker. */
  public static ImageCatalog ofCheckout(Path root) {
    return new ImageCatalog(
        Map.of(
            "cache", root.resolve("cache-image/target/cairn-cache.jar"),
            "coord", root.resolve("coord-image/target/cairn-coord.jar"),
            "broker", root.resolve("broker-image/target/cairn-broker.jar")));
  }

  /** The jar for {@code image}, or an exception naming the image. */
  public Path jarFor(String image) {
    String repository = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int lastSlash = repository.lastIndexOf('/');
    int colon = repository.indexOf(':', lastSlash + 1);
    if (colon >= 0) {
      repository = repository.substring(0, colon);
    }
    String name = repository.substring(lastSlash + 1);
    if (name.startsWith("cairn-")) {
      name = name.substring("cairn-".length());
    }
    Path jar = jarsByEngine.get(name);
    if (jar == null) {
      throw new IllegalArgumentException(
          "image "
              + image
              + " names no engine of this checkout (known: "
              + jarsByEngine.keySet()
              + ")");
    }
    return jar;
  }
}
