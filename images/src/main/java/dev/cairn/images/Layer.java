package dev.cairn.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One image layer: a gzip-compressed tar of host files placed at image paths. The tar is
 * reproducible — entries sorted by path, a fixed modification time, owner root unless a directory
 * is declared owned by the image's user, modes (sticky bit included) and symbolic links as on the
 * host — so the same inputs give the same digest, and the runtime layer every image shares is
 * stored once.
 *
 * @param blob the compressed layer
 * @param digest {@code sha256:…} of the compressed layer (the manifest's reference)
 * @param diffId {@code sha256:…} of the uncompressed tar (the image config's rootfs entry)
 * @param size the compressed size in bytes
 * @param uncompressedSize the tar's size in bytes (what the layer takes once unpacked, roughly)
 */
record Layer(Path blob, String digest, String diffId, long size, long uncompressedSize) {
  private static final long MTIME_MILLIS = 1000;

  /** Writes to {@code blob} the layer holding each host path of {@code sources} at its key. */
  static Layer write(Path blob, Map<String, Path> sources, List<String> ownedDirectories, int owner)
      throws IOException {
    TreeMap<String, Path> entries = new TreeMap<>();
    for (Map.Entry<String, Path> source : sources.entrySet()) {
      addTree(entries, source.getKey(), source.getValue());
    }
    Set<String> owned = new HashSet<>();
    for (String dir : ownedDirectories) {
      addParents(entries, dir);
      entries.put(relative(dir), null);
      owned.add(relative(dir));
    }
    MessageDigest compressed = sha256();
    MessageDigest uncompressed = sha256();
    long tarSize;
    try (OutputStream file = Files.newOutputStream(blob);
        DigestOutputStream gzDigest = new DigestOutputStream(file, compressed);
        GZIPOutputStream gzip = new GZIPOutputStream(gzDigest);
        CountingDigestStream tarDigest = new CountingDigestStream(gzip, uncompressed);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(tarDigest)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, Path> entry : entries.entrySet()) {
        writeEntry(
            tar, entry.getKey(), entry.getValue(), owned.contains(entry.getKey()) ? owner : 0);
      }
      tar.finish();
      tarSize = tarDigest.count();
    }
    return new Layer(
        blob,
        "sha256:" + hex(compressed),
        "sha256:" + hex(uncompressed),
        Files.size(blob),
        tarSize);
  }

  private static void addTree(TreeMap<String, Path> entries, String imagePath, Path host)
      throws IOException {
    if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(host + " is missing (build the modules first)");
    }
    addParents(entries, imagePath);
    String base = relative(imagePath);
    try (Stream<Path> tree = Files.walk(host)) {
      for (Path p : (Iterable<Path>) tree::iterator) {
        String sub = host.relativize(p).toString();
        String name = sub.isEmpty() ? base : base.isEmpty() ? sub : base + "/" + sub;
        if (!name.isEmpty()) {
          entries.put(name, p);
        }
      }
    }
  }

  /** Parent directories get entries of their own (root-owned, 0755) unless a source names them. */
  private static void addParents(TreeMap<String, Path> entries, String imagePath) {
    String rel = relative(imagePath);
    for (int slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
      entries.putIfAbsent(rel.substring(0, slash), null);
    }
  }

  /** The tar entry name of an image path: no leading or trailing slash ("" for the root). */
  private static String relative(String imagePath) {
    String name = imagePath.startsWith("/") ? imagePath.substring(1) : imagePath;
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  /** {@code host == null}: a directory of the image only (a parent, or declared owned). */
  private static void writeEntry(TarArchiveOutputStream tar, String name, Path host, int uid)
      throws IOException {
    TarArchiveEntry e;
    if (host == null) {
      e = new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR);
      e.setMode(0755);
    } else if (Files.isSymbolicLink(host)) {
      e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(Files.readSymbolicLink(host).toString());
      e.setMode(0777);
    } else {
      boolean dir = Files.isDirectory(host);
      e =
          new TarArchiveEntry(
              dir ? name + "/" : name, dir ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
      e.setMode((Integer) Files.getAttribute(host, "unix:mode") & 07777);
      if (!dir) {
        e.setSize(Files.size(host));
      }
    }
    e.setIds(uid, uid);
    tar.putArchiveEntry(reproducible(e));
    if (host != null && Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
      Files.copy(host, tar);
    }
    tar.closeArchiveEntry();
  }

  /** A fixed time and numeric ids only on {@code e}. */
  static TarArchiveEntry reproducible(TarArchiveEntry e) {
    e.setModTime(MTIME_MILLIS);
    // Otherwise the builder's user name: an extracting tar would map it over the ids.
    e.setUserName("");
    e.setGroupName("");
    return e;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Digests and counts what passes through, so the tar is read once. */
  private static final class CountingDigestStream extends DigestOutputStream {
    private long count;

    CountingDigestStream(OutputStream out, MessageDigest digest) {
      super(out, digest);
    }

    @Override
    public void write(int b) throws IOException {
      super.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      super.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
