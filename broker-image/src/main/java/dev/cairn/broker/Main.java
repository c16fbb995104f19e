package dev.cairn.broker;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.common.engine.EngineLauncher;

/** {@code java -jar cairn-broker.jar server.properties [--override key=value ...]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    EngineLauncher.run("cairn-broker", args, a -> new BrokerEngine(BrokerConfig.fromArgs(a)));
  }
}
