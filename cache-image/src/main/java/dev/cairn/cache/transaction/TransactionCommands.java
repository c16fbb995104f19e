package dev.cairn.cache.transaction;

import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;

/** MULTI, EXEC, DISCARD, WATCH and UNWATCH; see {@link Transactions}. */
public final class TransactionCommands {
  private TransactionCommands() {}

  public static void multi(Client c, byte[][] a) {
    if (c.transaction.active()) {
      throw new CommandError("ERR MULTI calls can not be nested");
    }
    c.server.transactions.begin(c);
    c.reply.ok();
  }

  public static void exec(Client c, byte[][] a) {
    if (!c.transaction.active()) {
      throw new CommandError("ERR EXEC without MULTI");
    }
    c.server.transactions.exec(c);
  }

  public static void discard(Client c, byte[][] a) {
    if (!c.transaction.active()) {
      throw new CommandError("ERR DISCARD without MULTI");
    }
    c.server.transactions.discard(c);
    c.reply.ok();
  }

  public static void watch(Client c, byte[][] a) {
    if (c.transaction.active()) {
      throw new CommandError("ERR WATCH inside MULTI is not allowed");
    }
    for (int i = 1; i < a.length; i++) {
      c.server.transactions.watch(c, a[i]);
    }
    c.reply.ok();
  }

  public static void unwatch(Client c, byte[][] a) {
    c.server.transactions.unwatchAll(c);
    c.reply.ok();
  }
}
