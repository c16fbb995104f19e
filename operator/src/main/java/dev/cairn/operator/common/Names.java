package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Names of the objects a cluster resource owns. The StatefulSet, client Service, disruption budget
 * and service account carry the resource's own name; pods get stable DNS names {@code
 * <name>-<ordinal>.<name>-headless.<namespace>.svc} from the headless Service.
 */
public final class Names {
  private Names() {}

  public static String of(HasMetadata primary) {
    return primary.getMetadata().getName();
  }

  public static String headless(HasMetadata primary) {
    return of(primary) + "-headless";
  }

  public static String config(HasMetadata primary) {
    return of(primary) + "-config";
  }

  /** The DNS name of a Service of {@code primary}'s namespace. */
  public static String serviceHost(HasMetadata primary, String service) {
    return service + "." + primary.getMetadata().getNamespace() + ".svc";
  }

  /** The stable DNS name of pod {@code ordinal} through the headless Service. */
  public static String podHost(HasMetadata primary, int ordinal) {
    return of(primary) + "-" + ordinal + "." + serviceHost(primary, headless(primary));
  }
}
