package dev.cairn.coord;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns on Apache ZooKeeper's extended node types (TTL) for a test class, as the reference server
 * and ZooKeeper's DataTree read them from a system property on each use, and restores the property
 * afterwards. (The coordinator has its own setting.)
 */
public final class ExtendedTypesProperty implements BeforeAllCallback, AfterAllCallback {
  private static final String PROPERTY = "zookeeper.extendedTypesEnabled";
  private String previous;

  @Override
  public void beforeAll(ExtensionContext context) {
    previous = System.setProperty(PROPERTY, "true");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (previous == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, previous);
    }
  }
}
