package dev.cairn.coord.quorum;

import dev.cairn.common.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives this server's {@code myid} from its host name, for the pods of a Kubernetes StatefulSet:
 * pod {@code <name>-<ordinal>} is server {@code ordinal + 1}, as the operator numbers the {@code
 * server.N} lines. Every pod then shares one zoo.cfg, and that zoo.cfg stays exactly what Apache
 * ZooKeeper reads: the switch is the environment variable {@code CAIRN_MYID_FROM_HOSTNAME=true},
 * and the host name is {@code $HOSTNAME} (a container's host name is its pod's name).
 *
 * <p>The id is written to {@code dataDir/myid} (atomically) when that file is missing, so the data
 * volume records which server it belongs to. When the file exists and names another id, start-up is
 * refused: a volume attached to the wrong pod must not vote under a borrowed identity.
 */
public final class MyIdFromHostname {
  public static final String ENABLED = "CAIRN_MYID_FROM_HOSTNAME";
  static final String HOSTNAME = "HOSTNAME";
  private static final Pattern ORDINAL = Pattern.compile(".*-(\\d{1,9})");

  private MyIdFromHostname() {}

  /** Writes or checks {@code dataDir/myid} when {@code env} enables it; else does nothing. */
  public static void apply(Map<String, String> env, Path dataDir) throws IOException {
    if (!"true".equalsIgnoreCase(env.get(ENABLED))) {
      return;
    }
    String hostname = env.get(HOSTNAME);
    Matcher m = ORDINAL.matcher(hostname == null ? "" : hostname);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          ENABLED
              + " is set but the host name '"
              + hostname
              + "' ($"
              + HOSTNAME
              + ") does not end in -<ordinal> as a StatefulSet pod's does");
    }
    int myId = Integer.parseInt(m.group(1)) + 1;
    Path file = dataDir.resolve("myid");
    if (Files.exists(file)) {
      String recorded = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (!recorded.equals(Integer.toString(myId))) {
        throw new IllegalArgumentException(
            file
                + " says server "
                + recorded
                + " but host "
                + hostname
                + " is server "
                + myId
                + ": this data belongs to another server; refusing to start");
      }
      return;
    }
    Files.createDirectories(dataDir);
    AtomicFile.write(file, (myId + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
