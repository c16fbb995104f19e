package dev.cairn.cache.rdb;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.propagation.EffectEncoder;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS k...], as
 * Redis 7.0's migrateCommand: the keys are sent as RESTORE with their DUMP payload and remaining
 * TTL (after AUTH and SELECT) over one blocking connection bounded by the timeout — Redis blocks
 * its event loop the same way — and, unless COPY, deleted here once the target accepted them, the
 * deletion propagated as DEL. Redis caches the connection for 10 s; Cairn opens one per call.
 */
public final class Migrate {
  private Migrate() {}

  public static void migrate(Client c, byte[][] a) {
    boolean copy = false;
    boolean replace = false;
    String user = null;
    String password = null;
    int firstKey = 3;
    int numKeys = 1;
    for (int j = 6; j < a.length; j++) {
      int more = a.length - 1 - j;
      if (is(a[j], "copy")) {
        copy = true;
      } else if (is(a[j], "replace")) {
        replace = true;
      } else if (is(a[j], "auth")) {
        if (more < 1) {
          throw CommandError.SYNTAX;
        }
        password = Args.str(a[++j]);
      } else if (is(a[j], "auth2")) {
        if (more < 2) {
          throw CommandError.SYNTAX;
        }
        user = Args.str(a[++j]);
        password = Args.str(a[++j]);
      } else if (is(a[j], "keys")) {
        if (a[3].length != 0) {
          throw new CommandError(
              "ERR When using MIGRATE KEYS option, the key argument must be set to the empty"
                  + " string");
        }
        firstKey = j + 1;
        numKeys = a.length - j - 1;
        break;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    long timeout = Args.toLong(a[5]);
    long dbid = Args.toLong(a[4]);
    if (timeout <= 0) {
      timeout = 1000;
    }
    Database db = c.db();
    List<byte[]> keys = new ArrayList<>();
    List<KeyEntry> entries = new ArrayList<>();
    for (int j = 0; j < numKeys; j++) {
      KeyEntry e = db.lookupRead(a[firstKey + j]);
      if (e != null) {
        keys.add(a[firstKey + j]);
        entries.add(e);
      }
    }
    if (keys.isEmpty()) {
      c.reply.simple("NOKEY");
      return;
    }
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    int replies = 0;
    if (password != null) {
      EffectEncoder.command(
          request,
          user == null
              ? new byte[][] {Args.bytes("AUTH"), Args.bytes(password)}
              : new byte[][] {Args.bytes("AUTH"), Args.bytes(user), Args.bytes(password)});
      replies++;
    }
    EffectEncoder.command(request, new byte[][] {Args.bytes("SELECT"), Args.bytes(dbid)});
    replies++;
    boolean compress = c.server.config().get(CacheConfig.RDBCOMPRESSION);
    long now = c.server.keyspace.now();
    List<byte[]> sent = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      KeyEntry e = entries.get(j);
      long ttl = 0;
      if (e.expireAt != 0) {
        ttl = e.expireAt - now;
        if (ttl < 0) {
          continue;
        }
        ttl = Math.max(ttl, 1);
      }
      byte[] payload = DumpPayload.encode(e.value, compress);
      byte[][] restore =
          replace
              ? new byte[][] {
                Args.bytes("RESTORE"), keys.get(j), Args.bytes(ttl), payload, Args.bytes("REPLACE")
              }
              : new byte[][] {Args.bytes("RESTORE"), keys.get(j), Args.bytes(ttl), payload};
      EffectEncoder.command(request, restore);
      sent.add(keys.get(j));
    }
    String host = Args.str(a[1]);
    int port = (int) Args.toLong(a[2]);
    List<String> answers =
        exchange(host, port, (int) timeout, request.toByteArray(), replies + sent.size());
    String error = null;
    int at = 0;
    if (password != null) {
      String auth = answers.get(at++);
      if (auth.startsWith("-")) {
        error = auth.substring(1);
      }
    }
    String select = answers.get(at++);
    if (error == null && select.startsWith("-")) {
      error = select.substring(1);
    }
    // as Redis: a refused AUTH or SELECT counts as every key refused, so none is deleted
    boolean refusedBefore = error != null;
    List<byte[]> deleted = new ArrayList<>();
    for (byte[] key : sent) {
      String answer = answers.get(at++);
      if (refusedBefore || answer.startsWith("-")) {
        if (error == null) {
          error = answer.substring(1);
        }
      } else if (!copy && db.delete(key)) {
        c.server.notify(db, key, 'g', "del");
        deleted.add(key);
      }
    }
    if (!deleted.isEmpty()) {
      byte[][] del = new byte[deleted.size() + 1][];
      del[0] = Args.bytes("DEL");
      for (int i = 0; i < deleted.size(); i++) {
        del[i + 1] = deleted.get(i);
      }
      c.server.propagation.rewrite(del);
    } else {
      c.server.propagation.prevent();
    }
    if (error != null) {
      throw new CommandError("ERR Target instance replied with error: " + error);
    }
    c.reply.ok();
  }

  /** Sends the request and reads one simple reply line per command, within the timeout. */
  private static List<String> exchange(
      String host, int port, int timeoutMillis, byte[] request, int expected) {
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
      } catch (java.net.ConnectException e) {
        // Redis connects without blocking: a refused connection shows at the first write
        throw new CommandError("IOERR error or timeout writing to target instance");
      } catch (IOException e) {
        throw new CommandError("IOERR error or timeout connecting to the client");
      }
      s.setSoTimeout(timeoutMillis);
      s.setTcpNoDelay(true);
      try {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
      } catch (IOException e) {
        throw new CommandError("IOERR error or timeout writing to target instance");
      }
      InputStream in = s.getInputStream();
      List<String> lines = new ArrayList<>();
      try {
        for (int i = 0; i < expected; i++) {
          lines.add(readLine(in));
        }
      } catch (SocketTimeoutException e) {
        throw new CommandError("IOERR error or timeout reading to target instance");
      }
      return lines;
    } catch (IOException e) {
      throw new CommandError("IOERR error or timeout reading to target instance");
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (prev == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      prev = b;
    }
  }
}
