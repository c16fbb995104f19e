package dev.cairn.broker.config;

import dev.cairn.common.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code listeners} / {@code advertised.listeners}: {@code PLAINTEXT://host:port}. An
 * empty host binds every interface (and is advertised as the machine's host name). Only the
 * PLAINTEXT security protocol exists until SASL/TLS arrive.
 */
public record Listener(String name, String host, int port) {

  static List<Listener> parseAll(String key, String raw) {
    List<Listener> result = new ArrayList<>();
    for (String part : raw.split(",")) {
      result.add(parse(key, part.trim()));
    }
    return List.copyOf(result);
  }

  static Listener parse(String key, String raw) {
    String expected = "PLAINTEXT://host:port";
    int sep = raw.indexOf("://");
    int colon = raw.lastIndexOf(':');
    if (sep <= 0 || colon <= sep + 2) {
      throw ConfigException.invalidValue(key, raw, expected);
    }
    String name = raw.substring(0, sep);
    if (!name.equals("PLAINTEXT")) {
      throw ConfigException.invalidValue(key, raw, expected + " (only PLAINTEXT is supported)");
    }
    String host = raw.substring(sep + 3, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(raw.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw ConfigException.invalidValue(key, raw, expected);
    }
    if (port < 0 || port > 65535) {
      throw ConfigException.invalidValue(key, raw, expected + " with port in [0, 65535]");
    }
    return new Listener(name, host, port);
  }
}
