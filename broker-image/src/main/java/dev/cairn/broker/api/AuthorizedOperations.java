package dev.cairn.broker.api;

import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CLUSTER_ACTION;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * The authorized-operations bit fields that Metadata, DescribeCluster and DescribeGroups return
 * when a client asks for them. Without ACLs (the security issue will add them) every operation a
 * resource type supports is allowed, which is what Kafka answers when no authorizer is configured.
 */
final class AuthorizedOperations {
  static final int CLUSTER =
      bits(
          CREATE,
          CLUSTER_ACTION,
          DESCRIBE_CONFIGS,
          ALTER_CONFIGS,
          IDEMPOTENT_WRITE,
          ALTER,
          DESCRIBE);
  static final int TOPIC =
      bits(READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS);
  static final int GROUP = bits(READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS);

  private AuthorizedOperations() {}

  private static int bits(AclOperation... operations) {
    Set<Byte> codes = new HashSet<>();
    for (AclOperation op : operations) {
      codes.add(op.code());
    }
    return Utils.to32BitField(codes);
  }
}
