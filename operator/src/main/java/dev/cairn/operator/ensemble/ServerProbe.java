package dev.cairn.operator.ensemble;

/** Asks one coordinator server what it is; never throws, answers {@link ServerState#UNKNOWN}. */
@FunctionalInterface
public interface ServerProbe {
  ServerState probe(String host, int clientPort);
}
