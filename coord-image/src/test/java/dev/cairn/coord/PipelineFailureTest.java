package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.coord.persist.LogFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetWatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An exception in the pipeline never leaves a server that looks ready and does not answer: a
 * request that changed nothing is answered with an error and the server goes on; a failure that
 * leaves the state unknown stops the server (here through an injected fatal handler).
 */
class PipelineFailureTest {
  @Test
  @Timeout(30)
  void aReadThatThrowsIsAnsweredAndTheServerGoesOn() throws Exception {
    CompletableFuture<String> fatal = new CompletableFuture<>();
    CoordinatorEngine engine =
        EngineExtension.startAndAwaitReady(
            new CoordinatorEngine(TestCoordinators.config().build(), fatal::complete));
    try (RawClient c = RawClient.connect(engine, 10_000)) {
      // Null lists (a jute vector of length -1) are what no real client sends: reading them threw
      // on the final stage's thread, which died and left every later request unanswered.
      c.send(new RequestHeader(7, ZooDefs.OpCode.setWatches), new SetWatches(0, null, null, null));
      assertThat(reply(c).getErr()).isEqualTo(KeeperException.Code.MARSHALLINGERROR.intValue());

      c.send(new RequestHeader(8, ZooDefs.OpCode.exists), new ExistsRequest("/zookeeper", false));
      ReplyHeader exists = reply(c);
      assertThat(exists.getXid()).isEqualTo(8);
      assertThat(exists.getErr()).isZero();
      assertThat(engine.ready()).isTrue();
      assertThat(fatal).isNotDone();
    } finally {
      engine.stop(Duration.ZERO);
    }
  }

  @Test
  @Timeout(60)
  void aTxnLogThatCannotBeWrittenStopsTheServerInsteadOfHanging() throws Exception {
    Path logDir = Files.createTempDirectory("coord-log");
    CompletableFuture<String> fatal = new CompletableFuture<>();
    CoordinatorEngine engine =
        EngineExtension.startAndAwaitReady(
            new CoordinatorEngine(
                TestCoordinators.config().dataLogDir(logDir).set("snapCount", 2).build(),
                fatal::complete));
    try {
      ZooKeeper zk = TestCoordinators.connect(engine);
      // The open log file still takes writes; the next one cannot be created: the disk is gone.
      LogFiles.deleteDirectory(logDir);
      assertThatThrownBy(() ->
              zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
          .isInstanceOf(KeeperException.ConnectionLossException.class);
      zk.close(1000);

      assertThat(fatal.get(10, TimeUnit.SECONDS))
          .startsWith("coord-sync failed: java.io.UncheckedIOException: txn log write failed");
      assertThat(engine.ready()).isFalse();
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + engine.adminAddress().getPort() + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
    } finally {
      engine.stop(Duration.ZERO);
    }
  }

  private static ReplyHeader reply(RawClient c) throws Exception {
    ReplyHeader h = new ReplyHeader();
    h.deserialize(c.readFrame(), "header");
    return h;
  }
}
