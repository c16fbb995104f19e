package dev.cairn.coord.proto;

import java.io.IOException;
import java.util.List;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.MultiHeader;

/**
 * A multi/multiRead response as the client's {@code MultiResponse} reads it: per result a {@code
 * MultiHeader(type, false, err)} and the result record, then {@code MultiHeader(-1, true, -1)}.
 * Write-only here.
 */
public final class MultiResponse implements Record {
  private final List<MultiResult> results;

  public MultiResponse(List<MultiResult> results) {
    this.results = results;
  }

  @Override
  public void serialize(OutputArchive out, String tag) throws IOException {
    for (MultiResult r : results) {
      new MultiHeader(r.type(), false, r.err()).serialize(out, tag);
      if (r.response() != null) {
        r.response().serialize(out, tag);
      }
    }
    new MultiHeader(-1, true, -1).serialize(out, tag);
  }

  @Override
  public void deserialize(InputArchive in, String tag) {
    throw new UnsupportedOperationException("the server never reads a multi response");
  }
}
