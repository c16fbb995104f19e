package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * Asks the engines which pod holds the cluster-wide role (the broker controller), over the engines'
 * own protocols. The rolling restart restarts that pod last.
 */
@FunctionalInterface
public interface RoleProbe {
  /** The name of the pod holding the role, or null when unknown (no pod answers). */
  String holder(HasMetadata primary, List<PodView> pods);
}
