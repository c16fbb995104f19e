package dev.cairn.coord.proto;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.SetDataRequest;

/**
 * The body of a multi/multiRead request as the client's {@code MultiOperationRecord} writes it: a
 * {@code MultiHeader(type, done=false, -1)} and the op's request record per op, then {@code
 * MultiHeader(-1, true, -1)}.
 */
public final class MultiRequest implements Record {
  /** Bounds the op count so a hostile frame cannot make us loop for long. */
  private static final int MAX_OPS = 100_000;

  private final List<MultiOp> ops = new ArrayList<>();

  public List<MultiOp> ops() {
    return ops;
  }

  @Override
  public void deserialize(InputArchive in, String tag) throws IOException {
    MultiHeader h = new MultiHeader();
    h.deserialize(in, tag);
    while (!h.getDone()) {
      if (ops.size() >= MAX_OPS) {
        throw new IOException("too many ops in multi");
      }
      Record req =
          switch (OpCode.of(h.getType()) == null ? OpCode.ERROR : OpCode.of(h.getType())) {
            case CREATE, CREATE2, CREATE_CONTAINER -> new CreateRequest();
            case CREATE_TTL -> new CreateTTLRequest();
            case DELETE, DELETE_CONTAINER -> new DeleteRequest();
            case SET_DATA -> new SetDataRequest();
            case CHECK -> new CheckVersionRequest();
            case GET_CHILDREN -> new GetChildrenRequest();
            case GET_DATA -> new GetDataRequest();
            default -> throw new IOException("invalid op type in multi: " + h.getType());
          };
      req.deserialize(in, tag);
      ops.add(new MultiOp(h.getType(), req));
      h.deserialize(in, tag);
    }
  }

  /** As the client writes it: a follower forwards a multi to the leader this way. */
  @Override
  public void serialize(OutputArchive out, String tag) throws IOException {
    for (MultiOp op : ops) {
      new MultiHeader(op.type(), false, -1).serialize(out, tag);
      op.request().serialize(out, tag);
    }
    new MultiHeader(-1, true, -1).serialize(out, tag);
  }
}
