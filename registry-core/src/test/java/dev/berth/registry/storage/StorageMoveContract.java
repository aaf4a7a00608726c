package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The part of the storage contract about joining objects ({@link Storage#move(java.util.List,
 * String)}) and discarding writes a killed process left ({@link Storage#discardAbandonedWrites}).
 */
public abstract class StorageMoveContract extends StorageContractBase {

  @Test
  void movesSeveralObjectsIntoOneInOrder() {
    byte[] big = new byte[300_000];
    new java.util.Random(7).nextBytes(big);
    storage.write("parts/0", utf8("first,"));
    storage.write("parts/1", big);
    storage.write("parts/2", new byte[0]);
    storage.write("parts/3", utf8(",last"));
    storage.write("joined/blob", utf8("replaced"));
    clock.advance(Duration.ofHours(3));

    storage.move(List.of("parts/0", "parts/1", "parts/2", "parts/3"), "joined/blob");

    byte[] expected = new byte[6 + big.length + 5];
    System.arraycopy(utf8("first,"), 0, expected, 0, 6);
    System.arraycopy(big, 0, expected, 6, big.length);
    System.arraycopy(utf8(",last"), 0, expected, 6 + big.length, 5);
    assertArrayEquals(expected, storage.read("joined/blob"));
    StorageEntry joined = storage.stat("joined/blob").orElseThrow();
    assertEquals(expected.length, joined.size());
    assertEquals(clock.instant(), joined.modified(), "stamped with the clock's now");
    assertTrue(storage.stat("parts").isEmpty(), "the sources are gone, and their folder");
    storage.move(List.of("joined/blob"), "joined/moved");
    assertArrayEquals(expected, storage.read("joined/moved"));
    assertTrue(storage.stat("joined/blob").isEmpty());
    storage.delete("joined");
  }

  @Test
  void movingSeveralWithOneMissingChangesNothing() {
    storage.write("parts/0", utf8("kept"));
    storage.write("parts/2", utf8("kept too"));
    storage.write("target", utf8("old"));

    assertThrows(ObjectNotFoundException.class,
        () -> storage.move(List.of("parts/0", "parts/1", "parts/2"), "target"));

    assertArrayEquals(utf8("old"), storage.read("target"));
    assertArrayEquals(utf8("kept"), storage.read("parts/0"));
    assertArrayEquals(utf8("kept too"), storage.read("parts/2"));
    assertThrows(IllegalArgumentException.class,
        () -> storage.move(List.of("parts/0", "target"), "target"));
    storage.delete("parts");
    storage.delete("target");
  }

  @Test
  void movingNoObjectsMakesAnEmptyOne() {
    storage.move(List.of(), "empty");
    assertEquals(0, storage.stat("empty").orElseThrow().size());
    assertArrayEquals(new byte[0], storage.read("empty"));
    storage.delete("empty");
  }

  /**
   * A writer that is never committed, cancelled or closed (its process was killed) is discarded
   * by age, leaving nothing behind (the suite's after-test check, and each implementation's
   * {@link #assertNothingElseLeft}, look); a younger writer is untouched. 6 MiB, so that a store
   * with parts of 5 MiB keeps it as a multipart upload.
   */
  @Test
  void abandonedWritesAreDiscardedByAge() throws IOException {
    byte[] chunk = new byte[1024 * 1024];
    StorageWriter abandoned = storage.writer("w/abandoned");
    for (int i = 0; i < 6; i++) {
      abandoned.write(chunk);
    }
    clock.advance(Duration.ofHours(2));
    try (StorageWriter young = storage.writer("w/young")) {
      for (int i = 0; i < 6; i++) {
        young.write(chunk);
      }
      assertEquals(0, storage.discardAbandonedWrites(clock.instant().minus(Duration.ofHours(1))));
      young.commit();
    }
    assertEquals(6 * chunk.length, storage.stat("w/young").orElseThrow().size());

    int discarded = storage.discardAbandonedWrites(clock.instant().plus(Duration.ofMinutes(1)));

    assertEquals(keepsUnfinishedWrites() ? 1 : 0, discarded);
    assertTrue(storage.stat("w/abandoned").isEmpty());
    abandoned.cancel();
    storage.delete("w");
  }

  /**
   * Whether the store keeps an unfinished write of several megabytes where a later process can
   * find it (S3's multipart uploads), so that {@link Storage#discardAbandonedWrites} has work.
   */
  protected boolean keepsUnfinishedWrites() {
    return false;
  }
}
