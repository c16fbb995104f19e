package dev.cairn.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Handles one Kafka API: takes the parsed request body, returns the response body (a future, so
 * long polls and replicated produces can complete later). A future completing with null means the
 * API sends no response (Produce with acks=0). A handler may throw: the dispatcher turns the
 * exception into the API's error response, as Kafka does.
 *
 * @param <Q> the request body type (the generated {@code *RequestData})
 */
@FunctionalInterface
public interface ApiHandler<Q extends ApiMessage> {
  CompletableFuture<? extends ApiMessage> handle(RequestContext ctx, Q request) throws Exception;

  /**
   * Whether this request may be handled on the connection's network thread instead of the request
   * executor: only for requests whose handling never blocks (no waits on locks held across I/O, on
   * the coordinator or on other requests) and takes microseconds. Each hop to the executor and back
   * is two thread wake-ups, which on a busy machine cost scheduling delays per request.
   */
  default boolean runsOnNetworkThread(Q request) {
    return false;
  }
}
