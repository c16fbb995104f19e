package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.GeoWithin;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

/**
 * HyperLogLog and geo as applications use them through Jedis and Lettuce: unique-visitor counting
 * within HyperLogLog's error across the sparse-to-dense switch, merging day counters, and a store
 * locator (add, distance, nearest first, box search).
 */
class HyperLogLogAndGeoClientTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private Jedis jedis;

  @BeforeEach
  void connect() {
    jedis = new Jedis("127.0.0.1", cache.engine().address().getPort());
    jedis.flushAll();
  }

  @AfterEach
  void close() {
    jedis.close();
  }

  @Test
  void uniqueVisitorsAreCountedWithinTheStandardErrorAndDaysMerge() {
    for (int day = 0; day < 3; day++) {
      for (int batch = 0; batch < 20; batch++) {
        int from = day * 30_000 + batch * 1000;
        String[] users =
            IntStream.range(from, from + 1000).mapToObj(i -> "user:" + i).toArray(String[]::new);
        jedis.pfadd("visits:" + day, users);
        jedis.pfadd("visits:" + day, users); // repeat visits change nothing
      }
    }
    for (int day = 0; day < 3; day++) {
      assertThat((double) jedis.pfcount("visits:" + day)).isCloseTo(20_000, within(20_000 * 0.03));
    }
    assertThat(jedis.pfmerge("visits:all", "visits:0", "visits:1", "visits:2")).isEqualTo("OK");
    long all = jedis.pfcount("visits:all");
    assertThat((double) all).isCloseTo(60_000, within(60_000 * 0.03));
    assertThat(jedis.pfcount("visits:0", "visits:1", "visits:2")).isEqualTo(all);
    assertThat(jedis.pfadd("small", "a", "b", "c")).isEqualTo(1);
    assertThat(jedis.pfadd("small", "a")).isZero();
    assertThat(jedis.pfcount("small")).isEqualTo(3);
    assertThat(jedis.get("small")).startsWith("HYLL");
  }

  @Test
  void storeLocatorFindsTheNearestStoresFirst() {
    jedis.geoadd(
        "stores",
        Map.of(
            "louvre", new GeoCoordinate(2.3376, 48.8606),
            "eiffel", new GeoCoordinate(2.2945, 48.8584),
            "versailles", new GeoCoordinate(2.1204, 48.8049),
            "lyon", new GeoCoordinate(4.8357, 45.7640)));
    assertThat(jedis.geodist("stores", "louvre", "eiffel", GeoUnit.KM)).isCloseTo(3.1, within(0.2));
    List<GeoRadiusResponse> near =
        jedis.geosearch(
            "stores",
            GeoSearchParam.geoSearchParam()
                .fromLonLat(new GeoCoordinate(2.3522, 48.8566))
                .byRadius(30, GeoUnit.KM)
                .asc()
                .withDist()
                .withCoord());
    assertThat(near)
        .extracting(GeoRadiusResponse::getMemberByString)
        .containsExactly("louvre", "eiffel", "versailles");
    assertThat(near.get(0).getCoordinate().getLongitude()).isCloseTo(2.3376, within(1e-5));
    // the standard geohash of the Eiffel Tower starts u09tunq (11 characters, as Redis prints it)
    assertThat(jedis.geohash("stores", "eiffel").get(0)).hasSize(11).startsWith("u09tunq");
    RedisClient lettuce =
        RedisClient.create("redis://127.0.0.1:" + cache.engine().address().getPort());
    try (StatefulRedisConnection<String, String> c = lettuce.connect()) {
      List<GeoWithin<String>> box =
          c.sync()
              .geosearch(
                  "stores",
                  GeoSearch.fromMember("louvre"),
                  GeoSearch.byBox(1000, 1000, GeoArgs.Unit.km),
                  GeoArgs.Builder.distance().sort(GeoArgs.Sort.desc));
      assertThat(box)
          .extracting(GeoWithin::getMember)
          .containsExactly("lyon", "versailles", "eiffel", "louvre");
      assertThat(box.get(0).getDistance()).isCloseTo(392, within(5.0));
    } finally {
      lettuce.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
