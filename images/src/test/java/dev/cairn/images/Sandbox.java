package dev.cairn.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace with only a loopback interface, and containers run in it as a container
 * runtime would run them (we are root; no daemon, no network reaches the host's). Each container
 * gets its own mount and PID namespaces: the image's root file system bind-mounted read-only,
 * {@code /proc}, the host's {@code /dev}, a tmpfs on {@code /tmp} (the emptyDir of the pod spec),
 * an {@code /etc/hosts} naming its host name as the kubelet writes one, and the given volumes; then
 * its process runs chrooted there as the image's user, with the image's environment only and its
 * working directory. Clients run in the namespace through nsenter, so the images listen on their
 * default ports without clashing with anything on the host.
 */
final class Sandbox implements AutoCloseable {
  private static final String SETUP =
      """
      set -e
      root=$1; hosts=$2; shift 2
      hostname cairn
      mount --bind "$root" "$root"
      mount -o remount,bind,ro "$root"
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
      mount --bind "$hosts" "$root/etc/hosts"
      while [ "$1" != -- ]; do mount --bind "$1" "$root$2"; shift 2; done
      shift
      exec "$@"
      """;

  private final Path hosts;
  private final Process holder;
  private final List<Process> containers = new ArrayList<>();

  Sandbox(Path dir) throws IOException {
    hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n127.0.1.1 cairn\n");
    holder =
        new ProcessBuilder(
                "unshare", "--net", "sh", "-c", "ip link set lo up && exec sleep infinity")
            .redirectErrorStream(true)
            .start();
    awaitTrue(
        Duration.ofSeconds(10), () -> exec("ip", "link", "show", "lo").output().contains("UP"));
  }

  /** {@code command} run in the namespace from the host's file system. */
  List<String> inNamespace(String... command) {
    List<String> argv =
        new ArrayList<>(List.of("nsenter", "--net=/proc/" + holder.pid() + "/ns/net"));
    argv.addAll(List.of(command));
    return argv;
  }

  Commands.Result exec(String... command) throws IOException {
    return Commands.run(inNamespace(command));
  }

  /**
   * Starts {@code image}'s process with {@code volumes} (host directory to container path) and
   * {@code extraEnv} added to the image's; its output goes to {@code log}.
   */
  Process run(UnpackedImage image, Map<Path, String> volumes, List<String> extraEnv, Path log)
      throws IOException {
    List<String> argv =
        new ArrayList<>(
            inNamespace(
                "unshare",
                "--mount",
                "--pid",
                "--uts",
                "--fork",
                "--kill-child",
                "--propagation",
                "private",
                "sh",
                "-c",
                SETUP,
                "sh",
                image.rootfs().toString(),
                hosts.toString()));
    volumes.forEach((host, path) -> argv.addAll(List.of(host.toString(), path)));
    argv.addAll(List.of("--", "env", "-i"));
    argv.addAll(image.env());
    argv.addAll(extraEnv);
    argv.addAll(
        List.of(
            "unshare",
            "--root",
            image.rootfs().toString(),
            "--wd",
            image.cwd(),
            "--setuid",
            Integer.toString(image.uid()),
            "--setgid",
            Integer.toString(image.gid()),
            "--"));
    argv.addAll(image.args());
    Process p =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    containers.add(p);
    return p;
  }

  /** The container's own process (its PID 1): the one {@code unshare --fork} started. */
  static Optional<ProcessHandle> containerProcess(Process container) {
    return container.children().findFirst();
  }

  /** Polls {@code check} until true; false when {@code timeout} passes first. */
  static boolean awaitTrue(Duration timeout, IoCheck check) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (check.test()) {
        return true;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    return false;
  }

  /** Stops the containers (SIGTERM to their PID 1, SIGKILL after 10 s), then the namespace. */
  @Override
  public void close() throws InterruptedException {
    for (Process c : containers) {
      containerProcess(c).ifPresent(ProcessHandle::destroy);
      if (!c.waitFor(10, TimeUnit.SECONDS)) {
        containerProcess(c).ifPresent(ProcessHandle::destroyForcibly);
        c.waitFor();
      }
    }
    holder.destroy();
    holder.waitFor();
  }

  @FunctionalInterface
  interface IoCheck {
    boolean test() throws IOException;
  }
}
