package dev.cairn.common.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real engine processes under real faults, for one test at a time:
 *
 * <pre>{@code
 * @RegisterExtension final FaultHarness faults = new FaultHarness();
 *
 * EngineProcess coord = faults.process("coord");          // its own 127.0.1.x and directory
 * coord.start(Launch.jar(jar, zooCfg(coord)), Readiness.readyz(coord.address(), 7000));
 * InetAddress client = faults.clientAddress();            // bind client sockets to it
 * faults.partition(List.of(client), List.of(coord.address()));
 * faults.heal();
 * coord.kill(); coord.restart(); coord.pause(); coord.resume(); coord.stop();
 * }</pre>
 *
 * <p>A partition ({@link Partitions}) matches packets by address, so whatever opens a connection
 * must bind its own harness address as the source: an unbound socket to 127.0.1.x leaves from
 * 127.0.0.1, which no partition names. Clients bind {@link #clientAddress}; engines bind {@link
 * EngineProcess#address} for connections to their peers.
 *
 * <p>Each test gets {@code target/faults/<class>/<method>/<process>/} (emptied when the test
 * starts, kept afterwards). After each test, whatever happened, every process is killed, every
 * partition rule deleted and every address released; a failed test first prints the end of each
 * process's output.
 *
 * <p>{@link #perClass()}, registered on a static field, keeps its processes for every test of the
 * class instead ({@code target/faults/<class>/}, released after the last test): for scenarios that
 * can share one expensive cluster. A failed test still prints each process's output.
 */
public final class FaultHarness
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  /** Enough of each process's output to show its last start-up, errors and stack traces. */
  private static final int FAILURE_TAIL_LINES = 200;

  private final boolean perClass;
  private final List<EngineProcess> processes = new ArrayList<>();
  private final List<LoopbackAddress> addresses = new ArrayList<>();
  private Partitions partitions;
  private Path directory;

  /** Processes for one test at a time: register on an instance field. */
  public FaultHarness() {
    this(false);
  }

  private FaultHarness(boolean perClass) {
    this.perClass = perClass;
  }

  /** Processes shared by every test of the class: register on a static field. */
  public static FaultHarness perClass() {
    return new FaultHarness(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (perClass) {
      open(Path.of("target", "faults", context.getRequiredTestClass().getSimpleName()));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (!perClass) {
      open(
          Path.of(
              "target",
              "faults",
              context.getRequiredTestClass().getSimpleName(),
              context.getRequiredTestMethod().getName()));
    }
  }

  private void open(Path directory) throws IOException {
    this.directory = directory;
    deleteRecursively(directory);
    Files.createDirectories(directory);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    printTailsIfFailed(context);
    if (!perClass) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      close();
    }
  }

  private void printTailsIfFailed(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      for (EngineProcess p : processes) {
        System.out.println(
            "--- last "
                + FAILURE_TAIL_LINES
                + " lines of "
                + p.name()
                + " ("
                + p.output().toAbsolutePath()
                + ")\n"
                + p.tail(FAILURE_TAIL_LINES));
      }
    }
  }

  /** A new engine process, not started yet, with its own address and directory. */
  public EngineProcess process(String name) {
    if (directory == null) {
      throw new IllegalStateException(
          "register the harness with @RegisterExtension (perClass() on a static field)");
    }
    Path home = directory.resolve(name);
    if (Files.exists(home)) {
      throw new IllegalArgumentException("there is already a process named " + name);
    }
    try {
      Files.createDirectories(home.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + home, e);
    }
    EngineProcess process = new EngineProcess(name, lease(), home);
    processes.add(process);
    return process;
  }

  /** An address of its own for a client, to bind its sockets to and to partition. */
  public InetAddress clientAddress() {
    return lease().address();
  }

  /**
   * Cuts every address of {@code side} off from every address of {@code other}, both ways, on top
   * of earlier cuts. Connections between them see silence: requests time out.
   */
  public void partition(Collection<InetAddress> side, Collection<InetAddress> other) {
    if (partitions == null) {
      partitions = Partitions.open();
    }
    partitions.cut(side, other);
  }

  /** Removes every partition. */
  public void heal() {
    if (partitions != null) {
      partitions.heal();
    }
  }

  private LoopbackAddress lease() {
    LoopbackAddress address = LoopbackAddress.acquire();
    addresses.add(address);
    return address;
  }

  /** Kills, deletes and releases everything, continuing past failures and reporting them all. */
  private void close() {
    RuntimeException failure = null;
    List<Runnable> steps = new ArrayList<>();
    processes.forEach(p -> steps.add(p::destroy));
    if (partitions != null) {
      steps.add(partitions::close);
    }
    addresses.forEach(a -> steps.add(a::close));
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    processes.clear();
    addresses.clear();
    partitions = null;
    directory = null;
    if (failure != null) {
      throw failure;
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
