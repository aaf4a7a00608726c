package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.StorageProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConfigTest {
  @Test
  void defaultsSuitSelfHostedStores() {
    S3Config config = S3Config.builder("b").build();
    assertEquals("us-east-1", config.region());
    assertEquals("", config.rootPrefix());
    assertTrue(config.pathStyle());
    assertTrue(config.credentials().isDefaultChain());
    assertEquals(10 * 1024 * 1024, config.partSize());
    assertEquals(ChecksumMode.WHEN_REQUIRED, config.requestChecksums());
    assertEquals(ChecksumMode.WHEN_REQUIRED, config.responseChecksums());
    assertTrue(config.conditionalWrites());
  }

  @Test
  void theRootPrefixLosesItsSlashes() {
    assertEquals("a/b", S3Config.builder("b").rootPrefix("/a/b/").build().rootPrefix());
    assertEquals("", S3Config.builder("b").rootPrefix("/").build().rootPrefix());
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.builder("b").rootPrefix("a/../b").build());
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.builder("b").rootPrefix("a//b").build());
  }

  @Test
  void refusesWhatCannotWork() {
    assertThrows(IllegalArgumentException.class, () -> S3Config.builder("").build());
    assertThrows(IllegalArgumentException.class, () -> S3Config.builder("b").region("").build());
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.builder("b").partSize(S3Config.MIN_PART_SIZE - 1).build());
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.builder("b").endpoint(URI.create("localhost:9000")).build());
    assertThrows(IllegalArgumentException.class, () -> S3Credentials.of("key", ""));
  }

  @Test
  void redirectsAreOffUnlessAskedAndLastAtMostSevenDays() {
    assertEquals(null, S3Config.builder("b").build().redirectExpiry());
    assertEquals(Duration.ofSeconds(90),
        S3Config.builder("b").redirects(Duration.ofSeconds(90)).build().redirectExpiry());
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.builder("b").redirects(Duration.ofDays(8)).build());
    assertThrows(IllegalArgumentException.class,
        () -> S3Config.builder("b").redirects(Duration.ZERO).build());
  }

  @Test
  void theProviderReadsTheRedirectKeys() {
    assertEquals(null, S3StorageProvider.config(Map.of("bucket", "b", "redirect", "false",
        "redirectExpiry", "5m")).redirectExpiry());
    assertEquals(Duration.ofMinutes(20), S3StorageProvider.config(Map.of("bucket", "b",
        "redirect", "true")).redirectExpiry());
    assertEquals(Duration.ofMinutes(90), S3StorageProvider.config(Map.of("bucket", "b",
        "redirect", "true", "redirectExpiry", "1h30m")).redirectExpiry());
    assertEquals(Duration.ofDays(2), S3StorageProvider.config(Map.of("bucket", "b",
        "redirect", "true", "redirectExpiry", "2d")).redirectExpiry());
    for (String bad : List.of("soon", "8d")) {
      StorageProvider.SettingException e = assertThrows(StorageProvider.SettingException.class,
          () -> S3StorageProvider.config(Map.of("bucket", "b", "redirect", "true",
              "redirectExpiry", bad)));
      assertEquals("redirectExpiry", e.key(), bad);
    }
  }

  @Test
  void printsNoSecret() {
    S3Config config = S3Config.builder("bucket").endpoint(URI.create("http://127.0.0.1:7480"))
        .rootPrefix("r").credentials(S3Credentials.of("AKID", "top-secret")).build();
    assertEquals("s3://bucket/r at http://127.0.0.1:7480 with access key AKID",
        config.toString());
    assertFalse(config.credentials().toString().contains("top-secret"));
  }
}
