package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import dev.berth.registry.testing.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every part of the storage contract ({@link StorageContract}) shares: a fresh storage per
 * test, on a clock of its own, and the check after each test that the test deleted what it wrote
 * and that nothing is left behind (no stray temporary objects, no empty directories). That check
 * runs before any clean-up, so a leftover fails the test; only then is the storage emptied.
 */
public abstract class StorageContractBase {

  /** A fresh, empty storage whose modification times come from {@code clock}. */
  protected abstract Storage create(Clock clock) throws Exception;

  /**
   * Checks what the implementation keeps beside the objects (temporary files, say) after the
   * storage was closed; the default checks nothing.
   */
  protected void assertNothingElseLeft() throws Exception {}

  /** The storage's clock; starts two hours ahead of the wall clock, so a storage must use it. */
  protected final TestClock clock = new TestClock(Instant.now().plus(Duration.ofHours(2))
      .truncatedTo(ChronoUnit.SECONDS));

  protected Storage storage;

  @BeforeEach
  void setUpStorage() throws Exception {
    storage = create(clock);
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    if (storage == null) {
      return;
    }
    List<String> names = storage.list("");
    List<String> objects = new ArrayList<>();
    storage.walk("", e -> objects.add(e.path()));
    try {
      assertEquals(List.of(), names, "the test deleted every folder it wrote");
      assertEquals(List.of(), objects, "no object is left behind");
    } finally {
      for (String name : names) {
        storage.delete(name);
      }
      storage.close();
    }
    assertNothingElseLeft();
  }

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

}
