package dev.cairn.broker.api;

import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.server.BrokerContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;

/** DescribeCluster: cluster id, controller and live brokers (AdminClient.describeCluster). */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
  private final BrokerContext broker;

  public DescribeClusterHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<DescribeClusterResponseData> handle(
      RequestContext ctx, DescribeClusterRequestData request) {
    MetadataImage image = broker.metadata().image();
    DescribeClusterResponseData r =
        new DescribeClusterResponseData()
            .setClusterId(broker.clusterId())
            .setControllerId(image.controllerId());
    if (request.includeClusterAuthorizedOperations()) {
      r.setClusterAuthorizedOperations(AuthorizedOperations.CLUSTER);
    }
    for (BrokerInfo b : image.brokers().values()) {
      r.brokers()
          .add(
              new DescribeClusterBroker()
                  .setBrokerId(b.id())
                  .setHost(b.host())
                  .setPort(b.port())
                  .setRack(b.rack()));
    }
    return CompletableFuture.completedFuture(r);
  }
}
