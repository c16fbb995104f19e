package dev.cairn.cache.geo;

/**
 * Redis's geohash (geohash.c, geohash_helper.c): a longitude/latitude pair becomes 26 bits of each,
 * interleaved (latitude in the even bits) into a 52-bit integer that is the member's score in a
 * sorted set, so a score range is an area. Latitudes are limited to the Web Mercator range
 * (±85.05112878). Searches cover the shape's bounding box with the geohash box of the centre at a
 * step chosen from the radius and its eight neighbours. Distances are haversine on a sphere of
 * radius 6372797.560856 m. Every formula is Redis's, in the same floating-point order, so scores,
 * coordinates and distances print the same digits.
 */
final class GeoHash {
  private GeoHash() {}

  static final int STEP_MAX = 26;
  static final double LAT_MIN = -85.05112878;
  static final double LAT_MAX = 85.05112878;
  static final double LONG_MIN = -180;
  static final double LONG_MAX = 180;

  private static final double D_R = Math.PI / 180.0;
  static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
  private static final double MERCATOR_MAX = 20037726.37;

  /** A geohash: its bits and how many bits per coordinate (step). Zero bits and step = none. */
  record Bits(long bits, int step) {
    boolean isZero() {
      return bits == 0 && step == 0;
    }
  }

  /** A box: the coordinate ranges a geohash covers. */
  record Area(double lonMin, double lonMax, double latMin, double latMax) {}

  private static long interleave64(long xlo, long ylo) {
    long x = xlo & 0xffffffffL;
    long y = ylo & 0xffffffffL;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
    y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
    y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
    y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
    x = (x | (x << 2)) & 0x3333333333333333L;
    y = (y | (y << 2)) & 0x3333333333333333L;
    x = (x | (x << 1)) & 0x5555555555555555L;
    y = (y | (y << 1)) & 0x5555555555555555L;
    return x | (y << 1);
  }

  private static long deinterleave64(long interleaved) {
    long x = interleaved;
    long y = interleaved >>> 1;
    x = (x | (x >>> 0)) & 0x5555555555555555L;
    y = (y | (y >>> 0)) & 0x5555555555555555L;
    x = (x | (x >>> 1)) & 0x3333333333333333L;
    y = (y | (y >>> 1)) & 0x3333333333333333L;
    x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
    y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
    x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
    y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
    x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
    y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
    x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
    y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
    return x | (y << 32);
  }

  /** geohashEncode over the given ranges; null outside them. */
  static Bits encode(
      double lonMin,
      double lonMax,
      double latMin,
      double latMax,
      double lon,
      double lat,
      int step) {
    if (lon > LONG_MAX || lon < LONG_MIN || lat > LAT_MAX || lat < LAT_MIN) {
      return null;
    }
    if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) {
      return null;
    }
    double latOffset = (lat - latMin) / (latMax - latMin);
    double lonOffset = (lon - lonMin) / (lonMax - lonMin);
    latOffset *= (double) (1L << step);
    lonOffset *= (double) (1L << step);
    return new Bits(interleave64((long) latOffset, (long) lonOffset), step);
  }

  /** The WGS84 (Mercator-limited) geohash of a point. */
  static Bits encode(double lon, double lat, int step) {
    return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, lon, lat, step);
  }

  /** The 52-bit score of a point (geohashAlign52Bits of its step-26 hash). */
  static long score(double lon, double lat) {
    return align52(encode(lon, lat, STEP_MAX));
  }

  static long align52(Bits h) {
    return h.bits() << (52 - h.step() * 2);
  }

  static Area decode(Bits h) {
    long sep = deinterleave64(h.bits());
    double latScale = LAT_MAX - LAT_MIN;
    double lonScale = LONG_MAX - LONG_MIN;
    long ilato = sep & 0xffffffffL;
    long ilono = sep >>> 32;
    double div = (double) (1L << h.step());
    return new Area(
        LONG_MIN + (ilono * 1.0 / div) * lonScale,
        LONG_MIN + ((ilono + 1) * 1.0 / div) * lonScale,
        LAT_MIN + (ilato * 1.0 / div) * latScale,
        LAT_MIN + ((ilato + 1) * 1.0 / div) * latScale);
  }

  /** The centre of a score's box, clamped: the coordinates GEOPOS answers; null if zero. */
  static double[] decodeScore(double score) {
    Bits h = new Bits((long) score, STEP_MAX);
    if (h.isZero()) {
      return null;
    }
    Area a = decode(h);
    double lon = (a.lonMin() + a.lonMax()) / 2;
    lon = Math.min(LONG_MAX, Math.max(LONG_MIN, lon));
    double lat = (a.latMin() + a.latMax()) / 2;
    lat = Math.min(LAT_MAX, Math.max(LAT_MIN, lat));
    return new double[] {lon, lat};
  }

  // ---- neighbours ----

  private static Bits moveX(Bits h, int d) {
    if (d == 0) {
      return h;
    }
    long x = h.bits() & 0xaaaaaaaaaaaaaaaaL;
    long y = h.bits() & 0x5555555555555555L;
    long zz = 0x5555555555555555L >>> (64 - h.step() * 2);
    if (d > 0) {
      x = x + (zz + 1);
    } else {
      x = x | zz;
      x = x - (zz + 1);
    }
    x &= (0xaaaaaaaaaaaaaaaaL >>> (64 - h.step() * 2));
    return new Bits(x | y, h.step());
  }

  private static Bits moveY(Bits h, int d) {
    if (d == 0) {
      return h;
    }
    long x = h.bits() & 0xaaaaaaaaaaaaaaaaL;
    long y = h.bits() & 0x5555555555555555L;
    long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - h.step() * 2);
    if (d > 0) {
      y = y + (zz + 1);
    } else {
      y = y | zz;
      y = y - (zz + 1);
    }
    y &= (0x5555555555555555L >>> (64 - h.step() * 2));
    return new Bits(x | y, h.step());
  }

  // ---- search areas ----

  static double degRad(double ang) {
    return ang * D_R;
  }

  static double radDeg(double ang) {
    return ang / D_R;
  }

  static int estimateSteps(double rangeMeters, double lat) {
    if (rangeMeters == 0) {
      return 26;
    }
    int step = 1;
    while (rangeMeters < MERCATOR_MAX) {
      rangeMeters *= 2;
      step++;
    }
    step -= 2;
    if (lat > 66 || lat < -66) {
      step--;
      if (lat > 80 || lat < -80) {
        step--;
      }
    }
    return Math.max(1, Math.min(26, step));
  }

  /**
   * The nine boxes to scan for a shape, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW),
   * those that cannot hold a match zeroed, as geohashCalculateAreasByShapeWGS84.
   */
  static Bits[] searchBoxes(GeoShape shape) {
    double[] b = shape.bounds();
    double minLon = b[0];
    double minLat = b[1];
    double maxLon = b[2];
    double maxLat = b[3];
    double lon = shape.lon();
    double lat = shape.lat();
    int steps = estimateSteps(shape.radiusMeters(), lat);
    Bits hash = encode(lon, lat, steps);
    Bits[] n = neighbours(hash);
    Area north = decode(n[1]);
    Area south = decode(n[2]);
    Area east = decode(n[3]);
    Area west = decode(n[4]);
    boolean decrease =
        north.latMax() < maxLat
            || south.latMin() > minLat
            || east.lonMax() < maxLon
            || west.lonMin() > minLon;
    if (steps > 1 && decrease) {
      steps--;
      hash = encode(lon, lat, steps);
      n = neighbours(hash);
    }
    Area area = decode(hash);
    if (steps >= 2) {
      Bits zero = new Bits(0, 0);
      if (area.latMin() < minLat) {
        n[2] = zero;
        n[8] = zero;
        n[7] = zero;
      }
      if (area.latMax() > maxLat) {
        n[1] = zero;
        n[5] = zero;
        n[6] = zero;
      }
      if (area.lonMin() < minLon) {
        n[4] = zero;
        n[8] = zero;
        n[6] = zero;
      }
      if (area.lonMax() > maxLon) {
        n[3] = zero;
        n[7] = zero;
        n[5] = zero;
      }
    }
    return n;
  }

  /** The box and its neighbours: [centre, N, S, E, W, NE, NW, SE, SW]. */
  private static Bits[] neighbours(Bits h) {
    return new Bits[] {
      h,
      moveY(h, 1),
      moveY(h, -1),
      moveX(h, 1),
      moveX(h, -1),
      moveY(moveX(h, 1), 1),
      moveY(moveX(h, -1), 1),
      moveY(moveX(h, 1), -1),
      moveY(moveX(h, -1), -1)
    };
  }

  // ---- distances ----

  static double latDistance(double lat1d, double lat2d) {
    return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
  }

  static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
    double lon1r = degRad(lon1d);
    double lon2r = degRad(lon2d);
    double v = Math.sin((lon2r - lon1r) / 2);
    if (v == 0.0) {
      return latDistance(lat1d, lat2d);
    }
    double lat1r = degRad(lat1d);
    double lat2r = degRad(lat2d);
    double u = Math.sin((lat2r - lat1r) / 2);
    double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
    return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
  }
}
