package dev.cairn.broker.network;

import dev.cairn.broker.api.ApiHandler;
import dev.cairn.broker.api.ApiTable;
import dev.cairn.broker.api.CloseConnectionException;
import dev.cairn.broker.api.RequestContext;
import dev.cairn.common.net.InFlight;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's request pipeline: frames are parsed (header, then body by API and version),
 * dispatched to the API's handler on the request executor (or on the event loop itself for requests
 * the handler says never block, see {@link ApiHandler#runsOnNetworkThread}), and answered strictly
 * in arrival order — like Kafka, a connection has one request being processed at a time and the
 * next waits, which is what clients rely on for ordering (a long-polling fetch holds its
 * connection).
 *
 * <p>Failures: an API or version outside the {@link ApiTable} closes the connection (except
 * ApiVersions, answered with UNSUPPORTED_VERSION and our versions so the client can downgrade); an
 * unparsable frame closes the connection; a handler exception becomes the API's error response.
 */
public final class RequestChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestChannelHandler.class);

  private final ApiTable apis;
  private final Executor executor;
  private final InFlight inFlight;
  private final MeterRegistry registry;
  private final Queue<ByteBuffer> pending = new ArrayDeque<>();
  private boolean busy;
  private ChannelHandlerContext ctx;

  public RequestChannelHandler(
      ApiTable apis, Executor executor, InFlight inFlight, MeterRegistry registry) {
    this.apis = apis;
    this.executor = executor;
    this.inFlight = inFlight;
    this.registry = registry;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    pending.add((ByteBuffer) msg);
    if (!busy) {
      processNext();
    }
  }

  /** Runs on the channel's event loop. */
  private void processNext() {
    ByteBuffer frame = pending.poll();
    if (frame == null || !ctx.channel().isActive()) {
      busy = false;
      return;
    }
    busy = true;
    RequestHeader header;
    try {
      header = RequestHeader.parse(frame);
    } catch (RuntimeException e) {
      close("unparsable request header: " + e);
      return;
    }
    ApiKeys key = header.apiKey();
    short version = header.apiVersion();
    ApiTable.Entry entry = apis.get(key);
    if (entry == null || version < entry.minVersion() || version > entry.maxVersion()) {
      if (key == ApiKeys.API_VERSIONS) {
        ApiVersionsResponseData unsupported =
            new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(apis.apiVersions());
        respond(header, unsupported, (short) 0);
        return;
      }
      close(key + " v" + version + " is not supported");
      return;
    }
    AbstractRequest request;
    try {
      request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
    } catch (RuntimeException e) {
      close("unparsable " + key + " v" + version + " request: " + e);
      return;
    }
    RequestContext rc =
        new RequestContext(
            header, ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
    inFlight.begin();
    Timer.Sample sample = Timer.start(registry);
    CompletableFuture<ApiMessage> response = new CompletableFuture<>();
    if (runsOnNetworkThread(entry, request)) {
      dispatch(entry, rc, request, response);
    } else {
      executor.execute(() -> dispatch(entry, rc, request, response));
    }
    response.whenComplete((body, error) ->
        ctx.executor()
            .execute(() -> {
              sample.stop(registry.timer("cairn_broker_request_seconds", "api", key.name));
              inFlight.end();
              if (error instanceof CloseConnectionException close) {
                close(close.getMessage());
              } else if (error != null) {
                log.warn("{} from {} failed: {}", key, rc.clientAddress(), error.toString());
                respond(header, request.getErrorResponse(0, error).data(), version);
              } else if (body != null) {
                respond(header, body, version);
              } else {
                processNext();
              }
            }));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean runsOnNetworkThread(ApiTable.Entry entry, AbstractRequest request) {
    return ((ApiHandler) entry.handler()).runsOnNetworkThread(request.data());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void dispatch(
      ApiTable.Entry entry,
      RequestContext rc,
      AbstractRequest request,
      CompletableFuture<ApiMessage> response) {
    try {
      ((ApiHandler) entry.handler())
          .handle(rc, request.data())
          .whenComplete((body, error) -> {
            if (error != null) {
              response.completeExceptionally(unwrap((Throwable) error));
            } else {
              response.complete((ApiMessage) body);
            }
          });
    } catch (Exception | Error e) {
      response.completeExceptionally(e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void respond(RequestHeader header, ApiMessage body, short version) {
    Counter.builder("cairn_broker_responses_total")
        .tag("api", header.apiKey().name)
        .register(registry)
        .increment();
    short headerVersion =
        header.apiKey() == ApiKeys.API_VERSIONS
            ? 0
            : header.apiKey().responseHeaderVersion(version);
    try {
      // Netty keeps writes in order, so the next request may start before this one is flushed.
      ResponseWriter.write(ctx.channel(), header.correlationId(), headerVersion, body, version);
      processNext();
    } catch (UnsupportedVersionException | IllegalArgumentException e) {
      close("cannot serialise " + header.apiKey() + " v" + version + " response: " + e);
    }
  }

  private void close(String reason) {
    log.warn("closing connection {}: {}", ctx.channel().remoteAddress(), reason);
    busy = false;
    pending.clear();
    ctx.close();
  }
}
