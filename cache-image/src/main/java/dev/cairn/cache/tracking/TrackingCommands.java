package dev.cairn.cache.tracking;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO, with Redis 7.0's checks in its order and its
 * error messages (networking.c's clientCommand).
 */
public final class TrackingCommands {
  private TrackingCommands() {}

  /** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
  public static void tracking(Client c, byte[][] a) {
    if (a.length < 3) {
      throw Args.wrongArgs("client|tracking");
    }
    long redirect = 0;
    boolean bcast = false;
    boolean optin = false;
    boolean optout = false;
    boolean noloop = false;
    List<String> prefixes = new ArrayList<>();
    for (int j = 3; j < a.length; j++) {
      boolean more = j < a.length - 1;
      if (Args.is(a[j], "redirect") && more) {
        j++;
        if (redirect != 0) {
          throw new CommandError("ERR A client can only redirect to a single other client");
        }
        redirect = Args.toLong(a[j]);
        // checked now though it may leave later (then the redirect is "broken"), as Redis does
        if (c.server.clients.get(redirect) == null) {
          throw new CommandError("ERR The client ID you want redirect to does not exist");
        }
      } else if (Args.is(a[j], "bcast")) {
        bcast = true;
      } else if (Args.is(a[j], "optin")) {
        optin = true;
      } else if (Args.is(a[j], "optout")) {
        optout = true;
      } else if (Args.is(a[j], "noloop")) {
        noloop = true;
      } else if (Args.is(a[j], "prefix") && more) {
        prefixes.add(Tracking.name(a[++j]));
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Tracking tracking = c.server.tracking;
    if (Args.is(a[2], "on")) {
      checkOn(c.tracking, bcast, optin, optout, prefixes);
      tracking.enable(c, redirect, new Tracking.Options(bcast, optin, optout, noloop), prefixes);
    } else if (Args.is(a[2], "off")) {
      tracking.disable(c);
    } else {
      throw CommandError.SYNTAX;
    }
    c.reply.ok();
  }

  private static void checkOn(
      ClientTracking t, boolean bcast, boolean optin, boolean optout, List<String> prefixes) {
    if (!bcast && !prefixes.isEmpty()) {
      throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
    }
    if (t.on && t.bcast != bcast) {
      throw new CommandError(
          "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and"
              + " then re-enabling it with a different mode.");
    }
    if (bcast && (optin || optout)) {
      throw new CommandError("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if (optin && optout) {
      throw new CommandError("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if ((optin && t.optout) || (optout && t.optin)) {
      throw new CommandError(
          "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and"
              + " then re-enabling it with a different mode.");
    }
    if (bcast) {
      checkOverlaps(t, prefixes);
    }
  }

  /** Two prefixes of one client would both match some key: Redis refuses that. */
  private static void checkOverlaps(ClientTracking t, List<String> prefixes) {
    for (int i = 0; i < prefixes.size(); i++) {
      String p = prefixes.get(i);
      for (String existing : t.prefixes) {
        if (overlap(existing, p)) {
          throw new CommandError(
              "ERR Prefix '"
                  + p
                  + "' overlaps with an existing prefix '"
                  + existing
                  + "'. Prefixes for a single client must not overlap.");
        }
      }
      for (int j = i + 1; j < prefixes.size(); j++) {
        if (overlap(p, prefixes.get(j))) {
          throw new CommandError(
              "ERR Prefix '"
                  + p
                  + "' overlaps with another provided prefix '"
                  + prefixes.get(j)
                  + "'. Prefixes for a single client must not overlap.");
        }
      }
    }
  }

  private static boolean overlap(String a, String b) {
    return a.length() <= b.length() ? b.startsWith(a) : a.startsWith(b);
  }

  /** CLIENT CACHING YES|NO: whether the next command (or transaction) is tracked. */
  public static void caching(Client c, byte[][] a) {
    if (a.length != 3) {
      throw Args.wrongArgs("client|caching");
    }
    ClientTracking t = c.tracking;
    if (!t.on) {
      throw new CommandError(
          "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or"
              + " OPTOUT mode enabled");
    }
    if (Args.is(a[2], "yes")) {
      if (!t.optin) {
        throw new CommandError(
            "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      }
    } else if (Args.is(a[2], "no")) {
      if (!t.optout) {
        throw new CommandError(
            "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      }
    } else {
      throw CommandError.SYNTAX;
    }
    t.caching = true;
    c.reply.ok();
  }

  public static void getredir(Client c, byte[][] a) {
    if (a.length != 2) {
      throw Args.wrongArgs("client|getredir");
    }
    c.reply.integer(c.tracking.redirect());
  }

  /** CLIENT TRACKINGINFO: flags (a set), redirect, prefixes, as Redis's addReplyTrackingInfo. */
  public static void trackinginfo(Client c, byte[][] a) {
    if (a.length != 2) {
      throw Args.wrongArgs("client|trackinginfo");
    }
    ClientTracking t = c.tracking;
    List<String> flags = new ArrayList<>();
    if (t.on) {
      flags.add("on");
      if (t.bcast) {
        flags.add("bcast");
      }
      if (t.optin) {
        flags.add("optin");
        if (t.caching) {
          flags.add("caching-yes");
        }
      }
      if (t.optout) {
        flags.add("optout");
        if (t.caching) {
          flags.add("caching-no");
        }
      }
      if (t.noloop) {
        flags.add("noloop");
      }
      if (t.brokenRedirect) {
        flags.add("broken_redirect");
      }
    } else {
      flags.add("off");
    }
    c.reply.map(3);
    c.reply.bulk("flags");
    c.reply.set(flags.size());
    for (String f : flags) {
      c.reply.bulk(f);
    }
    c.reply.bulk("redirect");
    c.reply.integer(t.redirect());
    c.reply.bulk("prefixes");
    c.reply.array(t.prefixes.size());
    for (String p : t.prefixes) {
      c.reply.bulk(Tracking.bytes(p));
    }
  }
}
