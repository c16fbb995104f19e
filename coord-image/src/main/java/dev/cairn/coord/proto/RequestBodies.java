package dev.cairn.coord.proto;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;

/**
 * The request record each client op carries after its {@code RequestHeader} (a protocol table, as
 * ZooKeeper's client writes them). Ops absent from the table have no body (ping, closeSession,
 * whoAmI); ops the server does not implement are not in {@link #SUPPORTED}.
 */
public final class RequestBodies {
  private static final Map<OpCode, Supplier<Record>> BODIES = new EnumMap<>(OpCode.class);

  static {
    BODIES.put(OpCode.CREATE, CreateRequest::new);
    BODIES.put(OpCode.CREATE2, CreateRequest::new);
    BODIES.put(OpCode.CREATE_CONTAINER, CreateRequest::new);
    BODIES.put(OpCode.CREATE_TTL, CreateTTLRequest::new);
    BODIES.put(OpCode.DELETE, DeleteRequest::new);
    BODIES.put(OpCode.EXISTS, ExistsRequest::new);
    BODIES.put(OpCode.GET_DATA, GetDataRequest::new);
    BODIES.put(OpCode.SET_DATA, SetDataRequest::new);
    BODIES.put(OpCode.GET_ACL, GetACLRequest::new);
    BODIES.put(OpCode.SET_ACL, SetACLRequest::new);
    BODIES.put(OpCode.GET_CHILDREN, GetChildrenRequest::new);
    BODIES.put(OpCode.GET_CHILDREN2, GetChildren2Request::new);
    BODIES.put(OpCode.SYNC, SyncRequest::new);
    BODIES.put(OpCode.CHECK, CheckVersionRequest::new);
    BODIES.put(OpCode.MULTI, MultiRequest::new);
    BODIES.put(OpCode.MULTI_READ, MultiRequest::new);
    BODIES.put(OpCode.CHECK_WATCHES, CheckWatchesRequest::new);
    BODIES.put(OpCode.REMOVE_WATCHES, RemoveWatchesRequest::new);
    BODIES.put(OpCode.AUTH, AuthPacket::new);
    BODIES.put(OpCode.SET_WATCHES, SetWatches::new);
    BODIES.put(OpCode.SET_WATCHES2, SetWatches2::new);
    BODIES.put(OpCode.GET_EPHEMERALS, GetEphemeralsRequest::new);
    BODIES.put(OpCode.GET_ALL_CHILDREN_NUMBER, GetAllChildrenNumberRequest::new);
    BODIES.put(OpCode.ADD_WATCH, AddWatchRequest::new);
    BODIES.put(OpCode.RECONFIG, ReconfigRequest::new);
  }

  /** Client ops this server answers. */
  public static boolean supported(OpCode op) {
    return BODIES.containsKey(op)
        || op == OpCode.PING
        || op == OpCode.CLOSE_SESSION
        || op == OpCode.WHO_AM_I;
  }

  /** A fresh record for the op's body, or null when it has none. */
  public static Record bodyFor(OpCode op) {
    Supplier<Record> s = BODIES.get(op);
    return s == null ? null : s.get();
  }

  private RequestBodies() {}
}
