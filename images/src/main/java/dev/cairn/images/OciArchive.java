package dev.cairn.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an OCI image layout (image-spec 1.1: {@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/}) as one tar: the {@code oci-archive:} format skopeo, podman, buildah and crane
 * read. The index names the single manifest with {@code org.opencontainers.image.ref.name} = the
 * tag, so {@code oci-archive:cairn-cache.tar:0.1.0} and a reference without tag both resolve.
 */
final class OciArchive {
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  // Fixed like the layers' file times: the same inputs give the same image digest.
  private static final String CREATED = "1970-01-01T00:00:01Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OciArchive() {}

  /**
   * Writes {@code archive} holding {@code layers} (bottom first) with {@code config} (the image
   * config's {@code config} object: user, entrypoint, labels, ...). {@code layerComments} become
   * the image history, one per layer.
   */
  static void write(
      Path archive,
      String tag,
      List<Layer> layers,
      List<String> layerComments,
      Map<String, Object> config,
      Map<String, String> annotations)
      throws IOException {
    List<String> diffIds = layers.stream().map(Layer::diffId).toList();
    List<Map<String, Object>> history = new ArrayList<>();
    for (String comment : layerComments) {
      history.add(ordered("created", CREATED, "created_by", comment));
    }
    byte[] configJson =
        JSON.writeValueAsBytes(
            ordered(
                "created",
                CREATED,
                "architecture",
                "amd64",
                "os",
                "linux",
                "config",
                config,
                "rootfs",
                ordered("type", "layers", "diff_ids", diffIds),
                "history",
                history));
    List<Map<String, Object>> layerDescriptors = new ArrayList<>();
    for (Layer layer : layers) {
      layerDescriptors.add(descriptor(LAYER_TYPE, layer.digest(), layer.size()));
    }
    byte[] manifestJson =
        JSON.writeValueAsBytes(
            ordered(
                "schemaVersion", 2,
                "mediaType", MANIFEST_TYPE,
                "config", descriptor(CONFIG_TYPE, digest(configJson), configJson.length),
                "layers", layerDescriptors,
                "annotations", annotations));
    Map<String, Object> manifestDescriptor =
        descriptor(MANIFEST_TYPE, digest(manifestJson), manifestJson.length);
    manifestDescriptor.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
    byte[] indexJson =
        JSON.writeValueAsBytes(
            ordered(
                "schemaVersion",
                2,
                "mediaType",
                "application/vnd.oci.image.index.v1+json",
                "manifests",
                List.of(manifestDescriptor)));

    try (OutputStream file = Files.newOutputStream(archive);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      directory(tar, "blobs/");
      directory(tar, "blobs/sha256/");
      for (Layer layer : layers) {
        entry(tar, blobPath(layer.digest()), Files.size(layer.blob()));
        Files.copy(layer.blob(), tar);
        tar.closeArchiveEntry();
      }
      bytes(tar, blobPath(digest(configJson)), configJson);
      bytes(tar, blobPath(digest(manifestJson)), manifestJson);
      bytes(tar, "index.json", indexJson);
      bytes(
          tar,
          "oci-layout",
          "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
    return ordered("mediaType", mediaType, "digest", digest, "size", size);
  }

  /** A JSON object keeping the order its keys are given in (key, value, key, value, ...). */
  static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static String digest(byte[] content) {
    MessageDigest sha = Layer.sha256();
    sha.update(content);
    return "sha256:" + Layer.hex(sha);
  }

  private static String blobPath(String digest) {
    return "blobs/sha256/" + digest.substring("sha256:".length());
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR);
    e.setMode(0755);
    tar.putArchiveEntry(Layer.reproducible(e));
    tar.closeArchiveEntry();
  }

  private static void entry(TarArchiveOutputStream tar, String name, long size) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0644);
    tar.putArchiveEntry(Layer.reproducible(e));
  }

  private static void bytes(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    entry(tar, name, content.length);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
