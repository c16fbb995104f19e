package dev.cairn.e2e.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The container the pod-runner tests run: {@code --bind ADDR --port N --config FILE}. It reads the
 * config file (whose {@code data=} line names its data directory), counts its starts in a file
 * there, and answers {@code GET /readyz} and {@code GET /info} on {@code ADDR:N}.
 */
public final class Workload {
  private Workload() {}

  public static void main(String[] args) throws IOException {
    String bind = value(args, "--bind");
    int port = Integer.parseInt(value(args, "--port"));
    Path config = Path.of(value(args, "--config"));
    String dataLine =
        Files.readAllLines(config).stream()
            .filter(l -> l.startsWith("data="))
            .findFirst()
            .orElseThrow();
    Path data = Path.of(dataLine.substring("data=".length()));
    Files.createDirectories(data);
    Path counter = data.resolve("starts");
    int starts = Files.exists(counter) ? Integer.parseInt(Files.readString(counter).trim()) + 1 : 1;
    Files.writeString(counter, Integer.toString(starts));
    String info =
        "starts="
            + starts
            + " data="
            + data
            + " pod="
            + System.getenv("POD_NAME")
            + " ip="
            + System.getenv("POD_IP");
    HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 16);
    http.createContext("/readyz", ex -> reply(ex, "ready"));
    http.createContext("/info", ex -> reply(ex, info));
    http.start();
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String value(String[] args, String flag) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(flag)) {
        return args[i + 1];
      }
    }
    throw new IllegalArgumentException("missing " + flag);
  }

  /** A runnable jar whose class path is the test classes directory, so the runner can `-jar` it. */
  static Path jar(Path dir) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Workload.class.getName());
    Path classes =
        Path.of(Workload.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
    Path jar = dir.resolve("workload.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      // The manifest is the whole jar.
    }
    return jar;
  }
}
