package dev.cairn.common.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One engine process of a fault test, on its own loopback address, with a directory that outlives
 * the process: {@code data/} for the engine's files (a restart finds them again) and {@code
 * output.log}, where every run appends its stdout and stderr after a header line.
 *
 * <p>Faults are the real ones: {@link #kill} is SIGKILL (nothing flushed, no shutdown hook), {@link
 * #pause} SIGSTOP (the process holds its sockets but answers nothing), {@link #stop} SIGTERM (the
 * engine's graceful stop). Not thread-safe: the test thread drives it.
 */
public final class EngineProcess {
  /** Start-up of an engine JVM takes seconds; a minute means it is stuck, even on a busy box. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** Engines drain in at most 10 s on SIGTERM (EngineLauncher.DEFAULT_DRAIN). */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final Duration POLL = Duration.ofMillis(50);

  /**
   * Every engine process this JVM started and has not seen exit: killed when the JVM exits, so a
   * test JVM ended early (Surefire's timeout, Ctrl-C) leaves no engine behind.
   */
  private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> STARTED.forEach(Process::destroyForcibly), "fault-harness-reaper"));
  }

  private final String name;
  private final LoopbackAddress address;
  private final Path directory;
  private Launch launch;
  private Readiness readiness;
  private Process process;
  private int runs;

  EngineProcess(String name, LoopbackAddress address, Path directory) {
    this.name = name;
    this.address = address;
    this.directory = directory;
  }

  public String name() {
    return name;
  }

  /** The address the engine must bind (and its outgoing peer connections bind, see the docs). */
  public InetAddress address() {
    return address.address();
  }

  /** The process's own directory: {@code data/}, {@code output.log} and the test's config files. */
  public Path directory() {
    return directory;
  }

  /** Where the engine keeps its files; the same for every run. */
  public Path dataDirectory() {
    return directory.resolve("data");
  }

  /** Every run's stdout and stderr, appended. */
  public Path output() {
    return directory.resolve("output.log");
  }

  /** Starts the engine as {@code launch} says and waits until {@code readiness} holds. */
  public void start(Launch launch, Readiness readiness) {
    this.launch = launch;
    this.readiness = readiness;
    restart();
  }

  /** Starts the engine again, as last started, on the same address and data directory. */
  public void restart() {
    if (launch == null) {
      throw new IllegalStateException(name + " was never started");
    }
    if (running()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    List<String> command = launch.command();
    try {
      Files.writeString(
          output(),
          "--- fault harness: run " + ++runs + " of " + name + ": " + command + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output().toFile()))
              .start();
      STARTED.add(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    awaitReady();
  }

  /** kill -9, then waits until the process is gone. */
  public void kill() {
    Process p = running(name + " is not running");
    p.destroyForcibly();
    awaitExit(p, STOP_TIMEOUT);
  }

  /** SIGSTOP: the process stays, its sockets stay open, and nothing in it runs. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    signal("CONT");
  }

  /** SIGTERM, as Kubernetes stops a pod; returns the exit status once the engine has drained. */
  public int stop() {
    Process p = running(name + " is not running");
    p.destroy();
    return awaitExit(p, STOP_TIMEOUT);
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** The last {@code lines} lines of {@link #output}, for a failure report. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(output(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Ends the process whatever its state: SIGKILL ends a paused process too. */
  void destroy() {
    if (running()) {
      process.destroyForcibly();
      awaitExit(process, STOP_TIMEOUT);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      while (!readiness.ready()) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name
                  + " exited with status "
                  + process.exitValue()
                  + " before it was ready:\n"
                  + tail(40));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name + " not ready after " + READY_TIMEOUT + ":\n" + tail(40));
        }
        Thread.sleep(POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
  }

  private Process running(String otherwise) {
    if (!running()) {
      throw new IllegalStateException(otherwise);
    }
    return process;
  }

  private void signal(String signal) {
    Process p = running(name + " is not running");
    Commands.run(List.of("kill", "-" + signal, Long.toString(p.pid())), "");
  }

  private int awaitExit(Process p, Duration timeout) {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not exit within " + timeout);
      }
      STARTED.remove(p);
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name + " to exit", e);
    }
  }
}
