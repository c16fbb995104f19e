package dev.cairn.common.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How an engine process starts: arguments to the {@code java} of the JDK running the test, which is
 * one the build accepted (JDK 21 or later, see {@code scripts/jdk.sh}). An engine module's own
 * tests, which run before its jar is packaged, launch its main class from their class path:
 *
 * <pre>{@code
 * new Launch(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), cfg))
 * }</pre>
 */
public record Launch(List<String> javaArguments) {
  /**
   * Each engine gets a small serial-GC heap: a test runs several of them beside the build on two
   * shared cores.
   */
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true");

  public Launch {
    javaArguments = List.copyOf(javaArguments);
  }

  /** {@code java -jar jar args...}; the jar must exist (the engine module was packaged). */
  public static Launch jar(Path jar, String... args) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: package its module first (./mvnw -pl <module> -am package)");
    }
    List<String> arguments = new ArrayList<>(List.of("-jar", jar.toString()));
    arguments.addAll(List.of(args));
    return new Launch(arguments);
  }

  /** The full command line. */
  public List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(javaArguments);
    return command;
  }
}
