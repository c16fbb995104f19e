package dev.cairn.common.faults;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Network partitions between loopback addresses, as nftables rules in a table of their own, {@code
 * ip cairn_faults_<pid>_<n>}. A packet from one side to the other is dropped where it is received
 * (the input hook): the sender sees what a real partition shows, silence until its own timeout, not
 * the immediate EPERM a drop on output gives a local sender.
 *
 * <p>Only 127.0.1.x addresses are accepted, so no rule can match other traffic. {@link #close}
 * deletes the table; a table whose JVM died before closing it is deleted by the next {@link #open}.
 * Needs root and {@code nft} (Debian's nftables package, installed by {@code
 * scripts/install-test-peers}).
 */
public final class Partitions implements AutoCloseable {
  private static final String PREFIX = "cairn_faults_";
  private static final Pattern TABLE = Pattern.compile("^table ip (" + PREFIX + "(\\d+)_\\d+)$");
  private static final AtomicInteger tables = new AtomicInteger();

  private final String table;

  private Partitions(String table) {
    this.table = table;
  }

  /** Creates this harness's (empty) table. */
  public static Partitions open() {
    deleteTablesOfDeadProcesses();
    String table = PREFIX + ProcessHandle.current().pid() + "_" + tables.getAndIncrement();
    nft(
        "add table ip "
            + table
            + "\nadd chain ip "
            + table
            + " input { type filter hook input priority 0; policy accept; }\n");
    return new Partitions(table);
  }

  /**
   * Drops every packet from {@code side} to {@code other} and from {@code other} to {@code side}.
   */
  public void cut(Collection<InetAddress> side, Collection<InetAddress> other) {
    String a = set(side);
    String b = set(other);
    nft(rule(a, b) + rule(b, a));
  }

  /** Removes every cut: all addresses reach each other again. */
  public void heal() {
    nft("flush chain ip " + table + " input\n");
  }

  @Override
  public void close() {
    nft("delete table ip " + table + "\n");
  }

  private String rule(String from, String to) {
    return "add rule ip " + table + " input ip saddr " + from + " ip daddr " + to + " drop\n";
  }

  private static String set(Collection<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("a side of a partition needs at least one address");
    }
    for (InetAddress address : addresses) {
      byte[] b = address.getAddress();
      if (b.length != 4 || b[0] != 127 || b[1] != 0 || b[2] != 1) {
        throw new IllegalArgumentException(
            address.getHostAddress() + " is not a 127.0.1.x address of the harness");
      }
    }
    return addresses.stream()
        .map(InetAddress::getHostAddress)
        .distinct()
        .collect(Collectors.joining(", ", "{ ", " }"));
  }

  private static void deleteTablesOfDeadProcesses() {
    String tables;
    try {
      tables = nft("list tables\n");
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(
          "cannot run nft: partitions need nftables and root (scripts/install-test-peers)", e);
    }
    for (String line : tables.split("\n")) {
      Matcher m = TABLE.matcher(line.trim());
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
        nft("delete table ip " + m.group(1) + "\n");
      }
    }
  }

  private static String nft(String script) {
    return Commands.run(List.of("nft", "-f", "-"), script);
  }
}
