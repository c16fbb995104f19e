package dev.cairn.broker;

import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker and its own ZooKeeper, started before a test class's tests and stopped after them:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SingleBroker broker = new SingleBroker(Map.of("num.io.threads", "1"));
 * }</pre>
 *
 * <p>The broker runs with {@link TestBrokers#baseConfig} plus the given settings, its log in a
 * temporary directory removed afterwards. {@link #restart()} stops it and starts a new engine on
 * the same log directory and ZooKeeper, for tests of what survives a restart.
 */
public final class SingleBroker implements BeforeAllCallback, AfterAllCallback {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

  private final Map<String, String> settings;
  private TestingServer zk;
  private Path dir;
  private BrokerEngine engine;

  public SingleBroker() {
    this(Map.of());
  }

  /** {@code settings} are broker keys over {@link TestBrokers#baseConfig}. */
  public SingleBroker(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("cairn-broker-");
    zk = new TestingServer(true);
    engine = startEngine();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (engine != null) {
        engine.stop(STOP_TIMEOUT);
        engine = null;
      }
    } finally {
      if (zk != null) {
        zk.close();
        zk = null;
      }
      deleteRecursively(dir);
    }
  }

  /** Stops the broker and starts it again on the same log directory and ZooKeeper. */
  public BrokerEngine restart() throws Exception {
    engine().stop(STOP_TIMEOUT);
    engine = null;
    engine = startEngine();
    return engine;
  }

  public BrokerEngine engine() {
    if (engine == null) {
      throw new IllegalStateException(
          "broker not started: register with @RegisterExtension static");
    }
    return engine;
  }

  public String zkConnect() {
    return zk.getConnectString();
  }

  public Path logDir() {
    return dir.resolve("logs");
  }

  public String bootstrap() {
    return TestBrokers.bootstrap(engine());
  }

  public Properties producer() {
    return TestBrokers.producer(engine());
  }

  /** Consumer properties, in {@code group} unless it is null. */
  public Properties consumer(String group) {
    return TestBrokers.consumer(engine(), group);
  }

  public Properties admin() {
    return TestBrokers.admin(engine());
  }

  private BrokerEngine startEngine() throws Exception {
    return EngineExtension.startAndAwaitReady(
        TestBrokers.broker(zk.getConnectString(), logDir(), settings));
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
