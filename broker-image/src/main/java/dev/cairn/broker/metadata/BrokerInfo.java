package dev.cairn.broker.metadata;

import java.util.LinkedHashMap;
import java.util.Map;

/** A live broker as registered under {@code /brokers/ids}: where clients reach it. */
public record BrokerInfo(int id, String host, int port, String rack) {

  public byte[] encode() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("host", host);
    f.put("port", "" + port);
    if (rack != null) {
      f.put("rack", rack);
    }
    return ZnodeText.encode(f);
  }

  public static BrokerInfo decode(int id, byte[] data) {
    Map<String, String> f = ZnodeText.decode(data);
    return new BrokerInfo(id, f.get("host"), Integer.parseInt(f.get("port")), f.get("rack"));
  }
}
