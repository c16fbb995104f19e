package dev.cairn.common.sim;

/** Starts a node, at the beginning and after each crash, over the storage it had. */
@FunctionalInterface
public interface ProcessFactory<M> {
  SimProcess<M> start(NodeEnv<M> env);
}
