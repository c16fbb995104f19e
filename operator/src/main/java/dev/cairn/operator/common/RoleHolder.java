package dev.cairn.operator.common;

/**
 * An {@link EngineView} that knows only which pod holds the cluster-wide role (from a {@link
 * RoleProbe}); engines without a quorum to protect need no more.
 *
 * @param last that pod, or null
 */
public record RoleHolder(String last) implements EngineView {}
