package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.RandomBlob;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as a supervisor stops a service: Berth stops accepting connections, lets requests in
 * flight finish (up to {@code http.shutdownTimeout}) and exits 0; an upload cut off by the stop
 * continues after a restart. The request in flight is a PATCH sent on a raw socket with
 * {@code Expect: 100-continue}, so the test knows Berth is reading its body before it signals.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShutdownIT {

  static final String REPO = "it/shutdown";

  @TempDir
  Path data;

  @Test
  void requestsInFlightFinishNewConnectionsAreRefusedExitZero() throws Exception {
    byte[] blob = new RandomBlob(7, 300_000).bytes();
    int half = blob.length / 2;
    BerthProcess berth = BerthProcess.start("--storage", data.toString(), "--shutdown-timeout",
        "60s");
    String sessionPath;
    try {
      RegistryClient client = new RegistryClient(berth.url());
      URI session = client.resolve(client.startUpload(REPO).header("Location"));
      sessionPath = pathOf(session);
      try (Socket socket = new Socket(session.getHost(), session.getPort())) {
        OutputStream out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.ISO_8859_1));
        startPatch(out, in, session, blob.length);
        out.write(blob, 0, half);
        out.flush();

        berth.terminate();
        // The body keeps arriving (Jetty closes connections quiet for a second once stopping),
        // slowly, until new connections are refused; then the rest comes at once.
        AtomicBoolean refused = new AtomicBoolean();
        CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
          try {
            int at = half;
            while (!refused.get() && at < blob.length - 1) {
              out.write(blob, at++, 1);
              out.flush();
              Thread.sleep(20);
            }
            out.write(blob, at, blob.length - at);
            out.flush();
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
        awaitRefused(session);
        assertTrue(berth.isAlive(), "exited with a request in flight:\n" + berth.output());
        refused.set(true);
        rest.get(60, TimeUnit.SECONDS);
        String status = in.readLine();
        assertEquals("HTTP/1.1 202 Accepted", status, berth::output);
        assertEquals("0-" + (blob.length - 1), header(in, "Range"));
      }
      assertEquals(0, berth.awaitExit(Duration.ofSeconds(60)), berth::output);
      assertTrue(berth.output().contains("berth: stopped"), berth::output);
    } finally {
      berth.close();
    }

    // What the finished request stored is there after a restart: the upload completes.
    try (BerthProcess again = BerthProcess.start("--storage", data.toString())) {
      RegistryClient client = new RegistryClient(again.url());
      RegistryClient.Response done = client.put(RegistryClient.withQuery(sessionPath, "digest="
          + Digest.sha256(blob)), null);
      assertEquals(201, done.status(), done::toString);
      assertArrayEquals(blob, client.get("/v2/" + REPO + "/blobs/" + Digest.sha256(blob))
          .body());
    }
  }

  @Test
  void anUploadCutOffByTheStopContinuesAfterARestart() throws Exception {
    byte[] blob = new RandomBlob(8, 400_000).bytes();
    int half = blob.length / 2;
    String sessionPath;
    try (BerthProcess berth = BerthProcess.start("--storage", data.toString(),
        "--shutdown-timeout", "1s")) {
      RegistryClient client = new RegistryClient(berth.url());
      URI session = client.resolve(client.startUpload(REPO).header("Location"));
      sessionPath = pathOf(session);
      try (Socket socket = new Socket(session.getHost(), session.getPort())) {
        OutputStream out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.ISO_8859_1));
        startPatch(out, in, session, blob.length);
        out.write(blob, 0, half);
        out.flush();
        berth.terminate();
        assertEquals(0, berth.awaitExit(Duration.ofSeconds(60)), berth::output);
      }
    }

    try (BerthProcess berth = BerthProcess.start("--storage", data.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      RegistryClient.Response status = client.get(sessionPath);
      assertEquals(204, status.status(), () -> status + berth.output());
      int kept = Integer.parseInt(status.header("Range").split("-")[1]) + 1;
      assertTrue(kept > 0 && kept <= half, "kept " + kept + " of the " + half + " bytes sent");
      RegistryClient.Response rest = client.patch(sessionPath,
          Arrays.copyOfRange(blob, kept, blob.length), "Content-Type", "application/octet-stream",
          "Content-Range", kept + "-" + (blob.length - 1));
      assertEquals(202, rest.status(), rest::toString);
      Digest digest = Digest.sha256(blob);
      RegistryClient.Response done = client.put(RegistryClient.withQuery(rest.header("Location"),
          "digest=" + digest), null);
      assertEquals(201, done.status(), done::toString);
      assertArrayEquals(blob, client.get("/v2/" + REPO + "/blobs/" + digest).body());
    }
  }

  /** Sends a PATCH's headers and waits for {@code 100 Continue}: Berth is reading the body. */
  static void startPatch(OutputStream out, BufferedReader in, URI session, int length)
      throws IOException {
    String target = pathOf(session);
    out.write(("PATCH " + target + " HTTP/1.1\r\nHost: " + session.getAuthority()
        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length
        + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    assertEquals("HTTP/1.1 100 Continue", in.readLine());
    assertEquals("", in.readLine());
  }

  static String pathOf(URI uri) {
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** Reads the headers of a response, returning one of them. */
  static String header(BufferedReader in, String name) throws IOException {
    String value = null;
    for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        value = line.substring(colon + 1).trim();
      }
    }
    return value;
  }

  /** Waits (up to 30 s) until a new connection is refused. */
  static void awaitRefused(URI server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket(server.getHost(), server.getPort())) {
        probe.setSoTimeout(1000);
        // Accepted by the kernel before the listener closed: try again.
      } catch (ConnectException refused) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("new connections were still accepted 30 s after SIGTERM");
  }
}
