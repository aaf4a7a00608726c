package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.it.support.BerthProcess;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's operator surfaces, from a distribution {@code config.yml} naming
 * {@code http.debug.addr}: the management port's health, metrics and read-only switch, and the
 * access log on standard output.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OperationsIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path work;

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A sample of the text exposition: {@code name{labels} value}, labels as written. */
  private static double sample(String exposition, String nameAndLabels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$")
        .matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void managementPortMetricsHealthReadOnlyAndAccessLog() throws Exception {
    int debugPort;
    try (ServerSocket s = new ServerSocket(0)) {
      debugPort = s.getLocalPort();
    }
    Path config = Files.writeString(work.resolve("config.yml"), String.join("\n",
        "version: 0.1",
        "storage: {filesystem: {rootdirectory: " + work.resolve("root") + "}}",
        "http:",
        "  addr: 127.0.0.1:0",
        "  debug: {addr: '127.0.0.1:" + debugPort + "', prometheus: {enabled: true}}", ""));
    try (BerthProcess berth = BerthProcess.launch(List.of(), Map.of(), "serve",
        config.toString())) {
      URI management = URI.create("http://127.0.0.1:" + debugPort + "/");
      assertTrue(berth.output().contains("berth: management on http://127.0.0.1:" + debugPort
          + "/ (/livez, /readyz, PUT /readonly, /metrics)"), berth::output);
      for (URI base : new URI[] {berth.url(), management}) {
        assertEquals(200, send(HttpRequest.newBuilder(base.resolve("/livez"))).statusCode());
        HttpResponse<String> ready = send(HttpRequest.newBuilder(base.resolve("/readyz")));
        assertEquals("{\"status\":\"ready\",\"readOnly\":false}", ready.body());
      }

      RegistryClient client = new RegistryClient(berth.url());
      client.pushFixtureImage("it/ops", "v1");
      assertEquals(200, client.get("/v2/it/ops/manifests/v1").status());
      RegistryClient.Response withCredentials = client.get("/v2/_catalog",
          "Authorization", "Basic b3BzOnNlY3JldHBhc3N3b3Jk");
      assertEquals(200, withCredentials.status());

      HttpResponse<String> metrics = send(HttpRequest.newBuilder(management.resolve("/metrics")));
      assertEquals(200, metrics.statusCode());
      String text = metrics.body();
      assertEquals(1, sample(text, "registry_http_requests_total{code=\"201\",handler=\"manifest\","
          + "method=\"PUT\"}"), text);
      assertEquals(1, sample(text, "registry_http_requests_total{code=\"200\",handler=\"manifest\","
          + "method=\"GET\"}"), text);
      assertEquals(2, sample(text, "berth_uploads_completed_total"), text);
      assertTrue(sample(text, "registry_storage_action_seconds_count{action=\"write\","
          + "driver=\"filesystem\"}") > 0, text);
      // The manifest PUT's one read of the repository's removals generation, under its own name.
      assertEquals(1, sample(text, "registry_storage_action_seconds_count{action=\"fingerprint\","
          + "driver=\"filesystem\"}"), text);
      assertFalse(text.contains("it/ops"), "no repository in a label");

      HttpResponse<String> on = send(HttpRequest.newBuilder(management.resolve("/readonly"))
          .PUT(HttpRequest.BodyPublishers.ofString("true")));
      assertEquals("{\"readOnly\":true}", on.body());
      assertEquals(405, client.post("/v2/it/ops/blobs/uploads/", null).status());
      assertEquals(200, client.get("/v2/it/ops/manifests/v1").status(), "reads go on");
      assertEquals(1, sample(send(HttpRequest.newBuilder(management.resolve("/metrics"))).body(),
          "berth_read_only"));
      send(HttpRequest.newBuilder(management.resolve("/readonly"))
          .PUT(HttpRequest.BodyPublishers.ofString("false")));
      assertEquals(202, client.post("/v2/it/ops/blobs/uploads/", null).status());

      // The access log: JSON lines on standard output, the catalog's among them.
      Instant deadline = Instant.now().plusSeconds(10);
      while (!berth.output().contains("\"route\":\"catalog\"")
          && Instant.now().isBefore(deadline)) {
        Thread.onSpinWait();
      }
      String out = berth.output();
      String catalogLine = out.lines().filter(l -> l.contains("\"route\":\"catalog\""))
          .findFirst().orElseThrow(() -> new AssertionError(out));
      JsonObject line = JsonParser.parseString(catalogLine).getAsJsonObject();
      assertEquals("GET", line.get("method").getAsString());
      assertEquals(200, line.get("status").getAsInt());
      assertEquals("127.0.0.1", line.get("remoteAddr").getAsString());
      assertFalse(out.contains("b3BzOnNlY3JldHBhc3N3b3Jk"), out);
      assertTrue(out.lines().anyMatch(l -> l.contains("\"route\":\"manifest\"")
          && l.contains("\"reference\":\"v1\"") && l.contains("\"status\":201")), out);
    }
  }

  @Test
  void theAccessLogIsOffWhenTheConfigurationSaysSo() throws Exception {
    Path config = Files.writeString(work.resolve("quiet.yml"), String.join("\n",
        "version: 0.1",
        "log: {accesslog: {disabled: true}}",
        "storage: {inmemory: {}}",
        "http: {addr: '127.0.0.1:0'}", ""));
    try (BerthProcess berth = BerthProcess.launch(List.of(), Map.of(), "serve",
        config.toString())) {
      assertEquals(200, new RegistryClient(berth.url()).get("/v2/").status());
      assertEquals(0, berth.stop());
      assertFalse(berth.output().contains("\"route\""), berth::output);
    }
  }
}
