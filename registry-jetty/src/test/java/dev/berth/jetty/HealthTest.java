package dev.berth.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import dev.berth.registry.Registry;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.StorageException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code /livez} and {@code /readyz} over HTTP, on the main port and on the management port; the
 * storage made to fail on purpose (a Mockito spy: the storage seam) for the probe's writes.
 */
class HealthTest {

  private static final String PROBES = StoragePaths.BERTH + "/health/";

  private static URI management(BerthServer server) {
    return URI.create("http://127.0.0.1:" + server.managementAddress().orElseThrow().getPort()
        + "/");
  }

  @Test
  void readyWhileTheStorageTakesWritesAndNotWhileItFails() throws Exception {
    InMemoryStorage storage = spy(InMemoryStorage.create());
    Registry registry = Registry.builder().storage(storage).build();
    try (BerthServer server = BerthServer.builder(registry).closeRegistry(true)
        .healthCheck(true, Duration.ZERO, 1).management(ManagementPort.on("127.0.0.1", 0))
        .start()) {
      for (URI base : new URI[] {server.url(), management(server)}) {
        assertEquals(200, BerthServerTest.get(base, "/livez").statusCode());
        HttpResponse<String> ready = BerthServerTest.get(base, "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("{\"status\":\"ready\",\"readOnly\":false}", ready.body());
      }

      doThrow(new StorageException("disk on fire")).when(storage)
          .write(startsWith(PROBES), any(), anyBoolean());
      for (URI base : new URI[] {server.url(), management(server)}) {
        HttpResponse<String> notReady = BerthServerTest.get(base, "/readyz");
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().startsWith("{\"status\":\"not ready\",\"readOnly\":false,"
            + "\"reason\":\"storage: cannot write, read and delete " + PROBES), notReady.body());
        assertTrue(notReady.body().endsWith(": disk on fire\"}"), notReady.body());
        assertEquals(200, BerthServerTest.get(base, "/livez").statusCode(), "still live");
      }

      // Read-only mode: the storage may be mounted read-only; ready, and says so.
      registry.setReadOnly(true);
      HttpResponse<String> readOnly = BerthServerTest.get(server.url(), "/readyz");
      assertEquals(200, readOnly.statusCode());
      assertEquals("{\"status\":\"ready\",\"readOnly\":true}", readOnly.body());
      registry.setReadOnly(false);

      doCallRealMethod().when(storage).write(startsWith(PROBES), any(), anyBoolean());
      HttpResponse<String> again = BerthServerTest.get(server.url(), "/readyz");
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(java.util.List.of(), storage.list(StoragePaths.BERTH + "/health"),
          "probes leave nothing behind");
    }
  }

  @Test
  void aStormOfProbesCostsOneStorageRoundTripPerInterval() throws Exception {
    InMemoryStorage storage = spy(InMemoryStorage.create());
    Registry registry = Registry.builder().storage(storage).build();
    try (BerthServer server = BerthServer.builder(registry).closeRegistry(true)
        .healthCheck(true, Duration.ofHours(1), 1).start()) {
      for (int i = 0; i < 50; i++) {
        assertEquals(200, BerthServerTest.get(server.url(), "/readyz").statusCode());
      }
      verify(storage, atMost(1)).write(startsWith(PROBES), any(), anyBoolean());
    }
  }

  @Test
  void theThresholdCountsFailuresInARow() throws Exception {
    InMemoryStorage storage = spy(InMemoryStorage.create());
    Registry registry = Registry.builder().storage(storage).build();
    try (BerthServer server = BerthServer.builder(registry).closeRegistry(true)
        .healthCheck(true, Duration.ZERO, 3).start()) {
      doThrow(new StorageException("flaky")).when(storage)
          .write(startsWith(PROBES), any(), anyBoolean());
      assertEquals(200, BerthServerTest.get(server.url(), "/readyz").statusCode());
      assertEquals(200, BerthServerTest.get(server.url(), "/readyz").statusCode());
      assertEquals(503, BerthServerTest.get(server.url(), "/readyz").statusCode());
    }
  }

  @Test
  void theManagementPortSwitchesReadOnlyMode() throws Exception {
    try (BerthServer server = BerthServer.builder(Registry.builder().inMemory().build())
        .closeRegistry(true).management(ManagementPort.on("127.0.0.1", 0)).start()) {
      URI m = management(server);
      assertEquals("{\"readOnly\":false}", BerthServerTest.get(m, "/readonly").body());
      HttpResponse<String> on = BerthServerTest.HTTP.send(java.net.http.HttpRequest
          .newBuilder(m.resolve("/readonly")).PUT(java.net.http.HttpRequest.BodyPublishers
          .ofString("true")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, on.statusCode());
      assertEquals("{\"readOnly\":true}", on.body());
      assertTrue(server.registry().readOnly());
      HttpResponse<String> refused = BerthServerTest.HTTP.send(java.net.http.HttpRequest
          .newBuilder(server.url().resolve("/v2/app/blobs/uploads/")).POST(
          java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(405, refused.statusCode(), "writes refused on the main port");
      HttpResponse<String> bad = BerthServerTest.HTTP.send(java.net.http.HttpRequest
          .newBuilder(m.resolve("/readonly")).PUT(java.net.http.HttpRequest.BodyPublishers
          .ofString("maybe")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      assertTrue(server.registry().readOnly(), "a bad body changes nothing");
      assertEquals(404, BerthServerTest.get(m, "/v2/").statusCode(), "the API is not here");
      assertEquals(404, BerthServerTest.get(m, "/metrics").statusCode(), "no exposition given");
      assertEquals(404, BerthServerTest.get(server.url(), "/readonly").statusCode(),
          "nor the switch on the main port");
    }
  }
}
