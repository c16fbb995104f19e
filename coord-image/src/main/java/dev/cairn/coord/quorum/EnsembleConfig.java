package dev.cairn.coord.quorum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ensemble as zoo.cfg (or the dynamic config file it names) describes it ({@code
 * server.N=host:peerPort:electionPort[:role][;...]}) with this server's id from {@code
 * dataDir/myid}, as ZooKeeper reads them; {@link MyIdFromHostname} may write that file first.
 *
 * @param myId this server's id
 * @param membership the servers and the configuration's version (0 for zoo.cfg's own lines, the
 *     dynamic file's version otherwise)
 */
public record EnsembleConfig(int myId, Membership membership) {

  /**
   * The ensemble of a configuration, or null when it describes a standalone server (no or one
   * {@code server.N} line, as ZooKeeper's {@code standaloneEnabled}).
   *
   * @param env the process environment, read by {@link MyIdFromHostname}
   */
  public static EnsembleConfig read(
      Map<Integer, String> lines, long version, Path dataDir, Map<String, String> env)
      throws IOException {
    if (lines.size() <= 1) {
      return null;
    }
    MyIdFromHostname.apply(env, dataDir);
    Map<Integer, ServerSpec> servers = new TreeMap<>();
    lines.forEach((id, line) -> servers.put(id, ServerSpec.parse(line)));
    int myId = readMyId(dataDir);
    if (!servers.containsKey(myId)) {
      throw new IllegalArgumentException(
          "myid "
              + myId
              + " (in "
              + dataDir.resolve("myid")
              + ") is not one of the servers in the configuration: "
              + servers.keySet());
    }
    return new EnsembleConfig(myId, Membership.of(version, servers));
  }

  private static int readMyId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("myid");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          file + " is missing: an ensemble member needs its server id there, as in ZooKeeper");
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " does not hold a server id: '" + text + "'");
    }
  }
}
