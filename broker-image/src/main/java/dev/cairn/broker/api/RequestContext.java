package dev.cairn.broker.api;

import java.net.InetAddress;
import org.apache.kafka.common.requests.RequestHeader;

/** Who sent a request and with which header (API version, client id, correlation id). */
public record RequestContext(RequestHeader header, InetAddress clientAddress) {
  public short version() {
    return header.apiVersion();
  }

  public String clientId() {
    return header.clientId();
  }
}
