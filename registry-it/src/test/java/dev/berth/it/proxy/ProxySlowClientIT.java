package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.storage.FileSystemStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reads a cold blob slower than the upstream sends it does not set the pace for
 * the others: the first client's fetch stores the blob at that client's pace, and a client that
 * asks meanwhile waits for it only until it sees the fetch paced by its client (ProxyBlobs'
 * patience, 5 s), then reads the upstream itself. The upstream is registry:2, whose access log
 * counts the GETs; the slow client is a socket that stops reading after the headers.
 */
class ProxySlowClientIT {
  static final String REPO = "library/slow";
  static final int LAYER = 24 * 1024 * 1024;

  @TempDir
  Path work;

  DockerRegistryProcess registry2;
  FileSystemStorage disk;
  BerthServer server;
  RegistryClient proxy;
  final ExecutorService clients = Executors.newFixedThreadPool(2);

  @BeforeEach
  void start() throws Exception {
    registry2 = Content.loggedUpstream(work);
    disk = FileSystemStorage.at(work.resolve("cache"));
    Registry registry = ProxyOptions.registryTwo(registry2.url(), null, null,
        Duration.ofMinutes(5)).applyTo(Registry.builder().storage(disk)).build();
    // Longer than the test: a stalled client's connection must not end its fetch early here.
    server = BerthServer.builder(registry).closeRegistry(true).idleTimeout(Duration.ofMinutes(2))
        .start();
    proxy = new RegistryClient(server.url());
  }

  @AfterEach
  void stop() throws Exception {
    clients.shutdownNow();
    Content.closeAll(server, disk, registry2);
  }

  @Test
  void aClientAskingWhileASlowClientsFetchCrawlsReadsTheUpstreamItself() throws Exception {
    Content.Image image = Content.push(new RegistryClient(registry2.url()), REPO, "v1", "slow",
        LAYER);
    String path = "/v2/" + REPO + "/blobs/" + image.layer();
    try (Socket slow = new Socket()) {
      // A small window: the proxy's writes to this client block long before the layer is sent.
      slow.setReceiveBufferSize(16 * 1024);
      slow.connect(new InetSocketAddress(server.url().getHost(), server.url().getPort()));
      OutputStream request = slow.getOutputStream();
      request.write(("GET " + path + " HTTP/1.1\r\nHost: " + server.url().getAuthority()
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      request.flush();
      InputStream answer = slow.getInputStream();
      String head = readHead(answer);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertTrue(head.toLowerCase(Locale.ROOT).contains("content-length: " + LAYER), head);

      // The slow client reads nothing more: the fetch it leads crawls. Another client gets the
      // whole layer all the same, from the upstream, after the proxy's patience.
      long asked = System.nanoTime();
      Future<Response> other = clients.submit(() -> proxy.get(path));
      Response got = other.get(30, TimeUnit.SECONDS); // without its patience: never
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
      assertEquals(200, got.status(), got::toString);
      assertArrayEquals(image.layerBytes(), got.body());
      assertTrue(waited >= 4_000, "it waited for the fetch first: " + waited + " ms");
      assertEquals(1, Content.upstreamGets(registry2, REPO, image.layer(), 1),
          "its own upstream GET (the slow fetch's is still open): " + registry2.output());

      // The slow client then reads its whole, verified layer, and the fetch stores it.
      assertArrayEquals(image.layerBytes(), answer.readNBytes(LAYER));
    }
    assertEquals(2, Content.upstreamGets(registry2, REPO, image.layer(), 2), registry2::output);
    Response cached = proxy.get(path);
    assertEquals(200, cached.status(), cached::toString);
    assertArrayEquals(image.layerBytes(), cached.body());
    assertEquals(2, Content.upstreamGets(registry2, REPO, image.layer(), 0),
        "the slow client's fetch stored the layer: " + registry2.output());
  }

  /** The status line and headers, up to the blank line; the body stays in the stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the answer ended in its head: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
