package dev.cairn.operator.common;

/**
 * An {@link EngineView} that knows only which pod holds the cluster-wide role, if any; engines
 * without a quorum or replicas to protect need no more.
 *
 * @param last that pod, or null
 */
public record RoleHolder(String last) implements EngineView {}
