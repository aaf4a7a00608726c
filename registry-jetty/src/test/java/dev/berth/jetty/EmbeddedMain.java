package dev.berth.jetty;

import dev.berth.registry.Registry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A program that embeds Berth as an application would, run in its own JVM by
 * {@link BerthServerProcessTest}: what it prints, which system properties it finds changed, and
 * whether it exits once {@code main} returns.
 *
 * <p>{@code start-stop}: starts, answers one request, stops, and prints the system properties that
 * changed. {@code leave-open}: starts, answers one request, and returns without closing.
 * {@code trace}: starts without the warm-up thread and answers one request, then prints
 * {@code traced} (for {@link WarmUpClassesTest}, which reads the JVM's class loading log).
 */
public final class EmbeddedMain {
  private EmbeddedMain() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("trace")) {
      try (Registry registry = Registry.builder().inMemory().build();
          BerthServer server = BerthServer.builder(registry).start()) {
        firstLine(server.port());
        System.out.println("traced");
      }
      return;
    }
    Properties before = (Properties) System.getProperties().clone();
    BerthServer server = BerthServer.startInMemory();
    String status = firstLine(server.port());
    if (args[0].equals("leave-open")) {
      System.out.println("answered: " + status);
      return;
    }
    server.close();
    TreeMap<Object, Object> changed = new TreeMap<>();
    System.getProperties().forEach((k, v) -> {
      // The JDK itself records the default time zone there the first time anything asks for it.
      if (!v.equals(before.get(k)) && !k.equals("user.timezone")) {
        changed.put(k, v);
      }
    });
    System.out.println("answered: " + status);
    System.out.println("changed properties: " + changed);
  }

  static String firstLine(int port) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) >= 0 && c != '\r'; ) {
        line.append((char) c);
      }
      return line.toString();
    }
  }
}
