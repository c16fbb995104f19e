package dev.cairn.cache.geo;

/**
 * What a search covers: a circle (radius) or a box (width and height) around a centre, in a unit
 * ({@code conversion} meters each), as Redis's GeoShape.
 */
record GeoShape(
    double lon,
    double lat,
    boolean box,
    double radius,
    double width,
    double height,
    double conversion) {

  /** The radius in meters used to choose the geohash step (a box's half diagonal). */
  double radiusMeters() {
    double r = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
    return r * conversion;
  }

  /** [min lon, min lat, max lon, max lat], as geohashBoundingBox. */
  double[] bounds() {
    double h = conversion * (box ? height / 2 : radius);
    double w = conversion * (box ? width / 2 : radius);
    double latDelta = GeoHash.radDeg(h / GeoHash.EARTH_RADIUS_IN_METERS);
    double lonDeltaTop =
        GeoHash.radDeg(
            w / GeoHash.EARTH_RADIUS_IN_METERS / Math.cos(GeoHash.degRad(lat + latDelta)));
    double lonDeltaBottom =
        GeoHash.radDeg(
            w / GeoHash.EARTH_RADIUS_IN_METERS / Math.cos(GeoHash.degRad(lat - latDelta)));
    boolean south = lat < 0;
    return new double[] {
      south ? lon - lonDeltaBottom : lon - lonDeltaTop,
      lat - latDelta,
      south ? lon + lonDeltaBottom : lon + lonDeltaTop,
      lat + latDelta
    };
  }

  /** The distance in meters from the centre to a point inside the shape, or -1 if outside. */
  double distanceIfWithin(double x, double y) {
    if (!box) {
      double d = GeoHash.distance(lon, lat, x, y);
      return d > radius * conversion ? -1 : d;
    }
    if (GeoHash.latDistance(y, lat) > height * conversion / 2) {
      return -1;
    }
    if (GeoHash.distance(x, y, lon, y) > width * conversion / 2) {
      return -1;
    }
    return GeoHash.distance(lon, lat, x, y);
  }
}
