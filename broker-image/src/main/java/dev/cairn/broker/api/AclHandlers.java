package dev.cairn.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeAcls, CreateAcls and DeleteAcls as a Kafka broker without {@code authorizer.class.name}
 * answers them: SECURITY_DISABLED, so kafka-acls.sh and Admin report that no authorizer is
 * configured rather than an unsupported API. Cairn has no authorizer.
 */
public final class AclHandlers {
  private static final String NO_AUTHORIZER = "No Authorizer is configured.";

  private AclHandlers() {}

  public static ApiHandler<DescribeAclsRequestData> describe() {
    return (ctx, r) ->
        CompletableFuture.completedFuture(
            new DescribeAclsResponseData()
                .setErrorCode(Errors.SECURITY_DISABLED.code())
                .setErrorMessage(NO_AUTHORIZER));
  }

  public static ApiHandler<CreateAclsRequestData> create() {
    return (ctx, r) -> {
      CreateAclsResponseData response = new CreateAclsResponseData();
      r.creations()
          .forEach(c ->
              response
                  .results()
                  .add(
                      new AclCreationResult()
                          .setErrorCode(Errors.SECURITY_DISABLED.code())
                          .setErrorMessage(NO_AUTHORIZER)));
      return CompletableFuture.completedFuture(response);
    };
  }

  public static ApiHandler<DeleteAclsRequestData> delete() {
    return (ctx, r) -> {
      DeleteAclsResponseData response = new DeleteAclsResponseData();
      r.filters()
          .forEach(f ->
              response
                  .filterResults()
                  .add(
                      new DeleteAclsFilterResult()
                          .setErrorCode(Errors.SECURITY_DISABLED.code())
                          .setErrorMessage(NO_AUTHORIZER)));
      return CompletableFuture.completedFuture(response);
    };
  }
}
