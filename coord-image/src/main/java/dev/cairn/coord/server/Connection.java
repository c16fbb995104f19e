package dev.cairn.coord.server;

import dev.cairn.coord.session.Session;
import dev.cairn.coord.watch.Watcher;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ReplyHeader;

/**
 * What the request pipeline needs of a client connection: send replies and notifications (in the
 * order they are called), learn that a new session was committed, and be closed. As a {@link
 * Watcher} it is the holder of the watches its requests set.
 */
public interface Connection extends Watcher {
  /** The ids the connection authenticated as (its ip id plus one per auth packet). */
  List<Id> authInfo();

  /** Sends a reply; {@code body} is null when the reply is a header only. */
  void sendReply(ReplyHeader header, Record body);

  /** The createSession txn of a new session was committed: answer the connect request. */
  void sessionEstablished(Session session);

  /** Closes the connection after what was sent so far is flushed. */
  void close();

  /** "ip:port" of the client, for logs and the four-letter words. */
  String remote();
}
