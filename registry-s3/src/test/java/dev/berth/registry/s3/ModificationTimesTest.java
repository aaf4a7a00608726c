package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpResponse;

class ModificationTimesTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00.400Z"));
  private final ModificationTimes times = new ModificationTimes(clock);

  private static SdkHttpResponse dated(Instant storeNow) {
    return SdkHttpResponse.builder().statusCode(200).putHeader("Date",
        DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(storeNow)).build();
  }

  @Test
  void listedTimesHoldWhileTheClocksAgree() {
    assertTrue(times.listingAgrees(dated(clock.instant())));
    assertTrue(times.listingAgrees(dated(clock.instant().minusSeconds(1))));
    assertFalse(times.listingAgrees(dated(clock.instant().minusSeconds(3))));
    clock.advance(Duration.ofHours(2));
    assertFalse(times.listingAgrees(dated(Instant.parse("2026-12-01T10:00:00Z"))));
    assertFalse(times.listingAgrees(SdkHttpResponse.builder().statusCode(200).build()));
  }

  @Test
  void theStampWinsOverTheStoresTime() {
    Instant store = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(clock.instant(), ModificationTimes.of(times.stampNow(), store));
    assertEquals(store, ModificationTimes.of(Map.of(), store));
    assertEquals(store, ModificationTimes.of(Map.of(ModificationTimes.KEY, "garbage"), store));
  }
}
