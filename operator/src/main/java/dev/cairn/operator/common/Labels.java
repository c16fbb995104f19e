package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recommended {@code app.kubernetes.io/*} labels on every object the operator owns. {@link
 * #selector} (name, instance, component) is what StatefulSets, Services and disruption budgets
 * select on; it never changes for a resource, because a StatefulSet's selector is immutable.
 */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String OPERATOR = "cairn-operator";

  /** What the dependents' informers watch: only objects this operator manages. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  public static Map<String, String> selector(HasMetadata primary, EngineKind engine) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, engine.imageName());
    labels.put(INSTANCE, primary.getMetadata().getName());
    labels.put(COMPONENT, engine.component());
    return labels;
  }

  public static Map<String, String> all(HasMetadata primary, EngineKind engine) {
    Map<String, String> labels = selector(primary, engine);
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(PART_OF, "cairn");
    return labels;
  }

  /** The label selector (as a string) of every pod the operator manages for one engine kind. */
  public static String managedPodsOf(EngineKind engine) {
    return MANAGED_BY + "=" + OPERATOR + "," + COMPONENT + "=" + engine.component();
  }
}
