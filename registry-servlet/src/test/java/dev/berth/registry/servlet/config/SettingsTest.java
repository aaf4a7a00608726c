package dev.berth.registry.servlet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The settings table: names, environment variables, value checks, sources. */
class SettingsTest {

  @Test
  void httpOptionsDefaultsAreTheTablesDefaults() {
    // HttpOptions.defaults() writes them out so that an embedded start does not build the table.
    assertEquals(new Settings().httpOptions(), HttpOptions.defaults());
  }

  @Test
  void environmentVariablesFollowOneRuleAndAreUnique() {
    assertEquals("BERTH_HTTP_PORT", Settings.key("http.port").orElseThrow()
        .environmentVariable());
    assertEquals("BERTH_HTTP_MIN_UPLOAD_RATE", Settings.key("http.minUploadRate").orElseThrow()
        .environmentVariable());
    assertEquals("BERTH_DELETES_REFERRERS_WITH_SUBJECT",
        Settings.key("deletes.referrersWithSubject").orElseThrow().environmentVariable());
    Set<String> seen = new HashSet<>();
    Stream.concat(Settings.KEYS.stream(), Settings.PENDING.stream()).forEach(k ->
        assertTrue(seen.add(k.environmentVariable()), () -> "two keys share "
            + k.environmentVariable()));
    for (SettingKey k : Settings.KEYS) {
      assertEquals(Optional.of(k.name()), Settings.keyOfVariable(k.environmentVariable()));
    }
    assertEquals(Optional.of("storage.s3.bucket"),
        Settings.keyOfVariable("BERTH_STORAGE_S3_BUCKET"));
    assertEquals(Optional.empty(), Settings.keyOfVariable("BERTH_NOPE"));
  }

  @Test
  void everyKeyHasAFlagADefaultThatPassesItsOwnCheckAndHelp() {
    Set<String> flags = new HashSet<>();
    for (SettingKey k : Settings.KEYS) {
      assertTrue(k.flag().startsWith("--") && flags.add(k.flag()), k.name());
      assertEquals(Optional.empty(), k.problem(k.defaultValue()), k.name());
      assertFalse(k.help().isBlank(), k.name());
      assertFalse(k.isPending(), k.name());
    }
    assertEquals(List.of(), new Settings().problems());
  }

  @Test
  void valuesAreCheckedOnePerKeyWithTheirSource() {
    Settings s = new Settings()
        .set("http.port", "65536", "--port")
        .set("http.idleTimeout", "0s", "berth.yml: http.idleTimeout")
        .set("storage.fsync", "yes", "BERTH_STORAGE_FSYNC")
        .set("http.externalUrl", "https://registry.example.com/v2", "--external-url")
        .set("http.prefix", "registry", "--prefix")
        .set("log.level", "verbose", "--log-level")
        .set("listing.maxPageSize", "0", "--max-page-size");
    assertEquals(List.of(
        "http.port = '65536' (from --port): not a port (0 to 65535; 0 picks a free one)",
        "http.prefix = 'registry' (from --prefix): not a URL path such as /registry",
        "http.externalUrl = 'https://registry.example.com/v2' (from --external-url): not an"
            + " http:// or https:// URL of a host (and port) without a path",
        "http.idleTimeout = '0s' (from berth.yml: http.idleTimeout): must be at least 1ms",
        "storage.fsync = 'yes' (from BERTH_STORAGE_FSYNC): expected true or false",
        "listing.maxPageSize = '0' (from --max-page-size): below the minimum of 1",
        "log.level = 'verbose' (from --log-level): not a log level (error, warn, info, debug)"),
        s.problems().stream().map(Settings.Problem::toString).toList());
  }

  @Test
  void pairsAndParsedValues() {
    Settings tls = new Settings().set("http.tls.certificate", "/c.pem", "--tls-certificate");
    assertEquals(List.of("http.tls.key = '' (from default): HTTPS needs both"
        + " http.tls.certificate and http.tls.key"), tls.problems().stream()
        .map(Settings.Problem::toString).toList());
    Settings proxies = new Settings().set("http.trustedProxies", "10.0.0.0/33", "--trusted-proxies");
    assertEquals(List.of("http.trustedProxies = '10.0.0.0/33' (from --trusted-proxies): bad"
        + " prefix length in '10.0.0.0/33'"), proxies.problems().stream()
        .map(Settings.Problem::toString).toList());
  }

  @Test
  void pendingKeysAreKeptApart() {
    Settings s = new Settings().set("http.tls.letsEncrypt.email", "ops@example.com", "config.yml")
        .set("http.tls.minimumTls", "tls1.3", "config.yml");
    assertEquals("ops@example.com", s.pendingValues().get("http.tls.letsEncrypt.email"));
    assertTrue(Settings.key("http.tls.letsEncrypt.email").orElseThrow().pending().refused());
    assertFalse(Settings.key("http.tls.minimumTls").orElseThrow().pending().refused());
    assertThrows(IllegalArgumentException.class, () -> s.set("storage.s3", "x"));
    assertThrows(IllegalArgumentException.class, () -> s.set("no.such.key", "x"));
  }

  @Test
  void s3KeysAreCheckedAndTheSecretKeyIsNeverShown() {
    Settings s = new Settings().set("storage.s3.bucket", "images", "config.yml")
        .set("storage.s3.secretKey", "hunter2", "BERTH_STORAGE_S3_SECRET_KEY")
        .set("storage.s3.checksums", "always", "--s3-checksums");
    assertTrue(s.s3());
    assertEquals(List.of("storage.s3.partSize = '1024' (from --s3-part-size): below the minimum"
        + " of 5242880"), new Settings().set("storage.s3.partSize", "1024", "--s3-part-size")
        .problems(k -> true).stream().map(Settings.Problem::toString).toList());
    List<String> problems = s.problems(k -> true).stream().map(Settings.Problem::toString)
        .toList();
    assertEquals(List.of("storage.s3.checksums = 'always' (from --s3-checksums): expected"
        + " whenRequired or whenSupported", "storage.s3.accessKey = '' (from default):"
        + " storage.s3.accessKey and storage.s3.secretKey go together (or neither, for the AWS"
        + " SDK's default credentials chain)"), problems);
    assertEquals("storage.s3.secretKey = '***' (from BERTH_STORAGE_S3_SECRET_KEY): refused",
        s.problem("storage.s3.secretKey", "refused").toString());
    assertTrue(s.changed(k -> true).contains(
        "storage.s3.secretKey=*** (BERTH_STORAGE_S3_SECRET_KEY)"), s.changed(k -> true)
        .toString());
    assertFalse(String.join(" ", s.changed(k -> true)).contains("hunter2"));
  }

  @Test
  void changedNamesValueAndSource() {
    Settings s = new Settings().set("http.port", "0", "--port").set("deletes.enabled", "true",
        "config.yml");
    assertEquals(List.of("http.port=0 (--port)"), s.changed(k -> true));
  }

  @Test
  void durationsReadAndWritten() {
    assertEquals(Duration.ofMinutes(90), Settings.parseDuration("1h30m", "x"));
    assertEquals("90m", Settings.formatDuration(Duration.ofMinutes(90)));
    assertEquals("7d", Settings.formatDuration(Duration.ofDays(7)));
    assertEquals("1500ms", Settings.formatDuration(Duration.ofMillis(1500)));
    assertEquals("0s", Settings.formatDuration(Duration.ZERO));
  }

  @Test
  void externalUrlReplacesTheRequestsOrigin() {
    HttpOptions options = new Settings().set("http.externalUrl", "https://r.example.com:8443")
        .httpOptions();
    assertEquals("https://r.example.com:8443", options.externalBase());
    assertEquals(null, new Settings().httpOptions().externalBase());
  }
}
