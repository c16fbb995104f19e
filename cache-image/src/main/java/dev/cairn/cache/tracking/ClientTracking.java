package dev.cairn.cache.tracking;

import java.util.TreeSet;

/**
 * One connection's CLIENT TRACKING state, Redis's CLIENT_TRACKING* flags plus the redirect and the
 * BCAST prefixes. Prefixes are ISO-8859-1 strings (one char per byte), so their natural order is
 * Redis's byte order (CLIENT TRACKINGINFO lists them so).
 */
public final class ClientTracking {
  boolean on;
  boolean bcast;
  boolean optin;
  boolean optout;
  boolean noloop;

  /** CLIENT CACHING YES (OPTIN) or NO (OPTOUT) given for the next command or transaction. */
  boolean caching;

  /** The redirect client went away: invalidations have nowhere to go. */
  boolean brokenRedirect;

  /** The client invalidations go to; 0 = this connection. */
  long redirect;

  final TreeSet<String> prefixes = new TreeSet<>();

  public boolean on() {
    return on;
  }

  public boolean bcast() {
    return on && bcast;
  }

  /** CLIENT LIST's flag letters for tracking, in Redis's order: t, R, B. */
  public String flags() {
    if (!on) {
      return "";
    }
    return "t" + (brokenRedirect ? "R" : "") + (bcast ? "B" : "");
  }

  /** CLIENT GETREDIR and CLIENT LIST's redir: -1 when tracking is off. */
  public long redirect() {
    return on ? redirect : -1;
  }

  /** Whether the keys read by the command running now are remembered (OPTIN/OPTOUT, CACHING). */
  boolean remembers() {
    return !((optin && !caching) || (optout && caching));
  }

  /** After a command outside MULTI: CLIENT CACHING covered that command (or transaction) only. */
  public void commandDone() {
    caching = false;
  }
}
