package dev.cairn.coord.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * One node as a snapshot writer sees it: data, ACL and persisted stat copied together under the
 * node's lock, so a writer never pairs one txn's data with another's stat.
 *
 * @param path the node's absolute path ("/" for the root)
 * @param data the node's data (null if it was created without any); never mutated once set, so
 *     shared with the node rather than copied
 * @param stat the persisted stat ({@link DataNode#stat}): cversion counts child creates
 */
public record NodeImage(String path, byte[] data, List<ACL> acl, Stat stat) {}
