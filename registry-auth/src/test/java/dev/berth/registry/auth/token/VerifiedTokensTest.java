package dev.berth.registry.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.registry.auth.AccessGrants;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verified-token table stays within its capacity and forgets by time, not by chance. */
class VerifiedTokensTest {

  static final long NOW = 1_700_000_000_000L;

  static VerifiedToken expiringAt(long epochMillis) {
    return new VerifiedToken(Optional.of("u"), List.of(), AccessGrants.none(),
        Instant.ofEpochMilli(epochMillis));
  }

  @Test
  void keysAreTheTokensDigestSoOneChangedCharacterIsAnotherKey() {
    assertEquals(VerifiedTokens.Key.of("a.b.c"), VerifiedTokens.Key.of("a.b.c"));
    assertNotEquals(VerifiedTokens.Key.of("a.b.c"), VerifiedTokens.Key.of("a.b.d"));
    assertNotEquals(VerifiedTokens.Key.of("a.b.\u00e9"), VerifiedTokens.Key.of("a.b.?"));
  }

  @Test
  void aFullTableDropsWhatIsPastItsTimeFirst() {
    VerifiedTokens table = new VerifiedTokens(3, Duration.ofMinutes(1), Duration.ofSeconds(60));
    VerifiedToken lasting = expiringAt(NOW + 3_600_000);
    table.put(VerifiedTokens.Key.of("old"), lasting, NOW - 61_000);
    table.put(VerifiedTokens.Key.of("expired"), expiringAt(NOW - 120_000), NOW - 1_000);
    table.put(VerifiedTokens.Key.of("kept"), lasting, NOW - 1_000);

    table.put(VerifiedTokens.Key.of("new"), lasting, NOW);

    assertEquals(2, table.size());
    assertNotNull(table.get(VerifiedTokens.Key.of("kept"), NOW));
    assertNotNull(table.get(VerifiedTokens.Key.of("new"), NOW));
    assertNull(table.get(VerifiedTokens.Key.of("old"), NOW));
  }

  @Test
  void aTableFullOfLiveTokensStartsOverRatherThanGrow() {
    VerifiedTokens table = new VerifiedTokens(2, Duration.ofMinutes(1), Duration.ofSeconds(60));
    VerifiedToken lasting = expiringAt(NOW + 3_600_000);
    table.put(VerifiedTokens.Key.of("one"), lasting, NOW);
    table.put(VerifiedTokens.Key.of("two"), lasting, NOW);

    table.put(VerifiedTokens.Key.of("three"), lasting, NOW);

    assertEquals(1, table.size());
    assertNotNull(table.get(VerifiedTokens.Key.of("three"), NOW));
  }

  @Test
  void anEntryIsForgottenOnceItsMinuteIsOver() {
    VerifiedTokens table = new VerifiedTokens(8, Duration.ofMinutes(1), Duration.ofSeconds(60));
    table.put(VerifiedTokens.Key.of("t"), expiringAt(NOW + 3_600_000), NOW);

    assertNotNull(table.get(VerifiedTokens.Key.of("t"), NOW + 59_999));
    assertNull(table.get(VerifiedTokens.Key.of("t"), NOW + 60_000));
    assertEquals(0, table.size());
  }
}
