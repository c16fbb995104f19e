package dev.cairn.cache.geo;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.types.SortedSets;
import dev.cairn.cache.types.ZSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Geo commands (Redis's geo.c) over sorted sets whose scores are {@link GeoHash} scores: GEOADD (a
 * ZADD of computed scores, so NX/XX/CH and the "zadd" event are ZADD's), GEODIST, GEOHASH, GEOPOS,
 * and the searches GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE
 * through one implementation (georadiusGeneric), with Redis's argument order, errors and number
 * formats (distances with four decimals, coordinates with up to 17).
 *
 * <p>Propagation (once it exists): GEOADD as the ZADD it runs; GEORADIUS ... STORE and
 * GEOSEARCHSTORE as sent (deterministic).
 */
public final class Geo {
  private Geo() {}

  private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

  private static ZSet zset(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof ZSet z) {
      return z;
    }
    throw CommandError.WRONGTYPE;
  }

  private static ZSet forRead(Client c, byte[] key) {
    return zset(c.db().lookupRead(key));
  }

  /** extractLongLatOrReply. */
  private static double[] lonLat(byte[] lon, byte[] lat) {
    double x = Args.toDouble(lon);
    double y = Args.toDouble(lat);
    if (x < GeoHash.LONG_MIN
        || x > GeoHash.LONG_MAX
        || y < GeoHash.LAT_MIN
        || y > GeoHash.LAT_MAX) {
      throw new CommandError(
          "ERR invalid longitude,latitude pair " + fixed(x, 6) + "," + fixed(y, 6));
    }
    return new double[] {x, y};
  }

  /** printf's %.Nf: the exact binary value rounded half-even, as glibc prints it. */
  private static String fixed(double d, int decimals) {
    if (Double.isInfinite(d) || Double.isNaN(d)) {
      return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
    }
    return new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** ld2string's "human" form: %.17Lf without trailing zeros (GEOPOS, WITHCOORD). */
  static String human(double d) {
    String s = fixed(d, 17);
    if (s.indexOf('.') >= 0) {
      int end = s.length();
      while (s.charAt(end - 1) == '0') {
        end--;
      }
      if (s.charAt(end - 1) == '.') {
        end--;
      }
      s = s.substring(0, end);
    }
    return s.equals("-0") ? "0" : s;
  }

  /** fixedpoint_d2string with four decimals: the value ×10⁴ rounded half-even. */
  static String distance(double d) {
    if (d == 0) {
      return "0.0000";
    }
    long v = (long) Math.rint(d * 10000.0);
    String sign = v < 0 ? "-" : "";
    String digits = Long.toString(Math.abs(v));
    while (digits.length() < 5) {
      digits = "0" + digits;
    }
    int dot = digits.length() - 4;
    return sign + digits.substring(0, dot) + "." + digits.substring(dot);
  }

  private static double unit(byte[] u) {
    if (is(u, "m")) {
      return 1;
    } else if (is(u, "km")) {
      return 1000;
    } else if (is(u, "ft")) {
      return 0.3048;
    } else if (is(u, "mi")) {
      return 1609.34;
    }
    throw new CommandError("ERR unsupported unit provided. please use M, KM, FT, MI");
  }

  private static double numeric(byte[] arg, String error) {
    Double d = Args.tryDouble(arg);
    if (d == null) {
      throw new CommandError("ERR " + error);
    }
    return d;
  }

  // ---- GEOADD ----

  /** GEOADD key [NX|XX] [CH] lon lat member ...: a ZADD of the members' geohash scores. */
  public static void geoadd(Client c, byte[][] a) {
    int at = 2;
    boolean nx = false;
    boolean xx = false;
    while (at < a.length) {
      if (is(a[at], "nx")) {
        nx = true;
      } else if (is(a[at], "xx")) {
        xx = true;
      } else if (!is(a[at], "ch")) {
        break;
      }
      at++;
    }
    if ((a.length - at) % 3 != 0 || (xx && nx)) {
      throw CommandError.SYNTAX;
    }
    int elements = (a.length - at) / 3;
    byte[][] zadd = new byte[at + elements * 2][];
    zadd[0] = Args.bytes("zadd");
    System.arraycopy(a, 1, zadd, 1, at - 1);
    for (int i = 0; i < elements; i++) {
      double[] xy = lonLat(a[at + i * 3], a[at + i * 3 + 1]);
      zadd[at + i * 2] = Args.bytes(GeoHash.score(xy[0], xy[1]));
      zadd[at + i * 2 + 1] = a[at + i * 3 + 2];
    }
    SortedSets.zadd(c, zadd);
  }

  // ---- GEODIST / GEOHASH / GEOPOS ----

  public static void geodist(Client c, byte[][] a) {
    double toMeter = 1;
    if (a.length == 5) {
      toMeter = unit(a[4]);
    } else if (a.length > 5) {
      throw CommandError.SYNTAX;
    }
    ZSet z = forRead(c, a[1]);
    if (z == null) {
      c.reply.nullBulk();
      return;
    }
    Double s1 = z.score(a[2]);
    Double s2 = z.score(a[3]);
    double[] p1 = s1 == null ? null : GeoHash.decodeScore(s1);
    double[] p2 = s2 == null ? null : GeoHash.decodeScore(s2);
    if (p1 == null || p2 == null) {
      c.reply.nullBulk();
      return;
    }
    c.reply.bulk(Args.bytes(distance(GeoHash.distance(p1[0], p1[1], p2[0], p2[1]) / toMeter)));
  }

  public static void geohash(Client c, byte[][] a) {
    ZSet z = forRead(c, a[1]);
    c.reply.array(a.length - 2);
    for (int j = 2; j < a.length; j++) {
      Double score = z == null ? null : z.score(a[j]);
      double[] xy = score == null ? null : GeoHash.decodeScore(score);
      if (xy == null) {
        c.reply.nullBulk();
        continue;
      }
      GeoHash.Bits h = GeoHash.encode(-180, 180, -90, 90, xy[0], xy[1], 26);
      byte[] out = new byte[11];
      for (int i = 0; i < 11; i++) {
        int idx = i == 10 ? 0 : (int) ((h.bits() >>> (52 - ((i + 1) * 5))) & 0x1f);
        out[i] = (byte) ALPHABET.charAt(idx);
      }
      c.reply.bulk(out);
    }
  }

  public static void geopos(Client c, byte[][] a) {
    ZSet z = forRead(c, a[1]);
    c.reply.array(a.length - 2);
    for (int j = 2; j < a.length; j++) {
      Double score = z == null ? null : z.score(a[j]);
      double[] xy = score == null ? null : GeoHash.decodeScore(score);
      if (xy == null) {
        c.reply.nullArray();
        continue;
      }
      c.reply.array(2);
      c.reply.dbl(human(xy[0]));
      c.reply.dbl(human(xy[1]));
    }
  }

  // ---- searches ----

  /** How a search command reads its arguments. */
  private enum Kind {
    RADIUS,
    RADIUS_RO,
    BY_MEMBER,
    BY_MEMBER_RO,
    SEARCH,
    SEARCH_STORE
  }

  public static void georadius(Client c, byte[][] a) {
    search(c, a, Kind.RADIUS);
  }

  public static void georadiusRo(Client c, byte[][] a) {
    search(c, a, Kind.RADIUS_RO);
  }

  public static void georadiusbymember(Client c, byte[][] a) {
    search(c, a, Kind.BY_MEMBER);
  }

  public static void georadiusbymemberRo(Client c, byte[][] a) {
    search(c, a, Kind.BY_MEMBER_RO);
  }

  public static void geosearch(Client c, byte[][] a) {
    search(c, a, Kind.SEARCH);
  }

  public static void geosearchstore(Client c, byte[][] a) {
    search(c, a, Kind.SEARCH_STORE);
  }

  /** A point found: member, coordinates, distance from the centre (meters) and score. */
  private record Found(byte[] member, double lon, double lat, double dist, double score) {}

  /** georadiusGeneric. */
  private static void search(Client c, byte[][] a, Kind kind) {
    boolean geosearch = kind == Kind.SEARCH || kind == Kind.SEARCH_STORE;
    boolean noStore = kind == Kind.RADIUS_RO || kind == Kind.BY_MEMBER_RO;
    boolean byMember = kind == Kind.BY_MEMBER || kind == Kind.BY_MEMBER_RO;
    int src = kind == Kind.SEARCH_STORE ? 2 : 1;
    ZSet z = forRead(c, a[src]);
    double lon = 0;
    double lat = 0;
    boolean box = false;
    double radius = 0;
    double width = 0;
    double height = 0;
    double conversion = 0;
    byte[] storeKey = null;
    boolean storeDist = false;
    int base;
    if (kind == Kind.RADIUS || kind == Kind.RADIUS_RO) {
      base = 6;
      double[] xy = lonLat(a[2], a[3]);
      lon = xy[0];
      lat = xy[1];
      radius = radius(a[4]);
      conversion = unit(a[5]);
    } else if (byMember) {
      base = 5;
      if (z != null) {
        double[] xy = memberPosition(z, a[2]);
        lon = xy[0];
        lat = xy[1];
        radius = radius(a[3]);
        conversion = unit(a[4]);
      }
    } else {
      base = kind == Kind.SEARCH_STORE ? 3 : 2;
      if (kind == Kind.SEARCH_STORE) {
        storeKey = a[1];
      }
    }
    boolean withDist = false;
    boolean withHash = false;
    boolean withCoord = false;
    boolean fromMember = false;
    boolean fromLonLat = false;
    boolean byRadius = false;
    boolean byBox = false;
    int sort = 0; // 0 none, 1 asc, 2 desc
    boolean any = false;
    long count = 0;
    int remaining = a.length - base;
    for (int i = 0; i < remaining; i++) {
      byte[] arg = a[base + i];
      if (is(arg, "withdist")) {
        withDist = true;
      } else if (is(arg, "withhash")) {
        withHash = true;
      } else if (is(arg, "withcoord")) {
        withCoord = true;
      } else if (is(arg, "any")) {
        any = true;
      } else if (is(arg, "asc")) {
        sort = 1;
      } else if (is(arg, "desc")) {
        sort = 2;
      } else if (is(arg, "count") && i + 1 < remaining) {
        count = Args.toLong(a[base + i + 1]);
        if (count <= 0) {
          throw new CommandError("ERR COUNT must be > 0");
        }
        i++;
      } else if ((is(arg, "store") || is(arg, "storedist"))
          && i + 1 < remaining
          && !noStore
          && !geosearch) {
        storeKey = a[base + i + 1];
        storeDist = is(arg, "storedist");
        i++;
      } else if (is(arg, "storedist") && kind == Kind.SEARCH_STORE) {
        storeDist = true;
      } else if (is(arg, "frommember") && i + 1 < remaining && geosearch && !fromLonLat) {
        if (z != null) {
          double[] xy = memberPosition(z, a[base + i + 1]);
          lon = xy[0];
          lat = xy[1];
        }
        fromMember = true;
        i++;
      } else if (is(arg, "fromlonlat") && i + 2 < remaining && geosearch && !fromMember) {
        double[] xy = lonLat(a[base + i + 1], a[base + i + 2]);
        lon = xy[0];
        lat = xy[1];
        fromLonLat = true;
        i += 2;
      } else if (is(arg, "byradius") && i + 2 < remaining && geosearch && !byBox) {
        radius = radius(a[base + i + 1]);
        conversion = unit(a[base + i + 2]);
        box = false;
        byRadius = true;
        i += 2;
      } else if (is(arg, "bybox") && i + 3 < remaining && geosearch && !byRadius) {
        width = numeric(a[base + i + 1], "need numeric width");
        height = numeric(a[base + i + 2], "need numeric height");
        if (height < 0 || width < 0) {
          throw new CommandError("ERR height or width cannot be negative");
        }
        conversion = unit(a[base + i + 3]);
        box = true;
        byBox = true;
        i += 3;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (storeKey != null && (withDist || withHash || withCoord)) {
      throw new CommandError(
          "ERR "
              + (kind == Kind.SEARCH_STORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
              + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    }
    if (geosearch && !(fromMember || fromLonLat)) {
      throw new CommandError(
          "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + Args.str(a[0]));
    }
    if (geosearch && !(byRadius || byBox)) {
      throw new CommandError(
          "ERR exactly one of BYRADIUS and BYBOX can be specified for " + Args.str(a[0]));
    }
    if (any && count == 0) {
      throw new CommandError("ERR the ANY argument requires COUNT argument");
    }
    String storeEvent = geosearch ? "geosearchstore" : "georadiusstore";
    if (z == null) {
      if (storeKey != null) {
        SortedSets.store(c, storeKey, List.of(), storeEvent);
      } else {
        c.reply.array(0);
      }
      return;
    }
    if (count != 0 && sort == 0 && !any) {
      sort = 1;
    }
    GeoShape shape = new GeoShape(lon, lat, box, radius, width, height, conversion);
    List<Found> found = collect(z, shape, any ? count : 0);
    if (found.isEmpty() && storeKey == null) {
      c.reply.array(0);
      return;
    }
    if (sort != 0) {
      Comparator<Found> byDist = Comparator.comparingDouble(Found::dist);
      found.sort(sort == 1 ? byDist : byDist.reversed());
    }
    int returned = count == 0 || found.size() < count ? found.size() : (int) count;
    if (storeKey != null) {
      List<SortedSets.Scored> out = new ArrayList<>();
      for (Found f : found.subList(0, returned)) {
        out.add(new SortedSets.Scored(f.member(), storeDist ? f.dist() / conversion : f.score()));
      }
      SortedSets.store(c, storeKey, out, storeEvent);
      return;
    }
    int options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
    c.reply.array(returned);
    for (Found f : found.subList(0, returned)) {
      if (options > 0) {
        c.reply.array(options + 1);
      }
      c.reply.bulk(f.member());
      if (withDist) {
        c.reply.bulk(Args.bytes(distance(f.dist() / conversion)));
      }
      if (withHash) {
        c.reply.integer((long) f.score());
      }
      if (withCoord) {
        c.reply.array(2);
        c.reply.dbl(human(f.lon()));
        c.reply.dbl(human(f.lat()));
      }
    }
  }

  private static double radius(byte[] arg) {
    double r = numeric(arg, "need numeric radius");
    if (r < 0) {
      throw new CommandError("ERR radius cannot be negative");
    }
    return r;
  }

  private static double[] memberPosition(ZSet z, byte[] member) {
    Double score = z.score(member);
    double[] xy = score == null ? null : GeoHash.decodeScore(score);
    if (xy == null) {
      throw new CommandError("ERR could not decode requested zset member");
    }
    return xy;
  }

  /** membersOfAllNeighbors: each distinct box's score range, in order, up to {@code limit}. */
  private static List<Found> collect(ZSet z, GeoShape shape, long limit) {
    List<Found> out = new ArrayList<>();
    GeoHash.Bits[] boxes = GeoHash.searchBoxes(shape);
    int lastProcessed = 0;
    for (int i = 0; i < boxes.length; i++) {
      GeoHash.Bits b = boxes[i];
      if (b.isZero()) {
        continue;
      }
      if (lastProcessed != 0 && b.equals(boxes[lastProcessed])) {
        continue;
      }
      if (!out.isEmpty() && limit != 0 && out.size() >= limit) {
        break;
      }
      double min = GeoHash.align52(b);
      double max = GeoHash.align52(new GeoHash.Bits(b.bits() + 1, b.step()));
      ZSet.Node n = z.firstInRange(new ZSet.ScoreRange(min, false, max, true));
      for (; n != null && n.score < max; n = n.next()) {
        double[] xy = GeoHash.decodeScore(n.score);
        if (xy != null) {
          double d = shape.distanceIfWithin(xy[0], xy[1]);
          if (d >= 0) {
            out.add(new Found(n.member, xy[0], xy[1], d, n.score));
          }
        }
        if (!out.isEmpty() && limit != 0 && out.size() >= limit) {
          break;
        }
      }
      lastProcessed = i;
    }
    return out;
  }
}
