package dev.cairn.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;

/** ApiVersions: exactly the rows of the {@link ApiTable}, nothing more. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
  private final ApiTable table;

  public ApiVersionsHandler(ApiTable table) {
    this.table = table;
  }

  @Override
  public CompletableFuture<ApiVersionsResponseData> handle(
      RequestContext ctx, ApiVersionsRequestData request) {
    return CompletableFuture.completedFuture(
        new ApiVersionsResponseData().setApiKeys(table.apiVersions()));
  }
}
