package dev.berth.registry.auth.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.testing.Programs;
import dev.berth.registry.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

class HtpasswdStoreTest {

  @TempDir
  Path dir;

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  private Path write(String text) throws IOException {
    Path file = dir.resolve("users.htpasswd");
    Files.writeString(file, text);
    return file;
  }

  private static String hash(String password) {
    return BCrypt.hashpw(password, BCrypt.gensalt("$2y", 4));
  }

  @Test
  void readsWhatDebiansHtpasswdWritesNow() throws IOException {
    Programs.require("htpasswd");
    String password = "p:ss w\u00f6rd";
    String line = Programs.run(List.of("htpasswd", "-nbB", "alice", password)).strip();
    assertTrue(line.startsWith("alice:$2y$05$"), line);
    HtpasswdStore store = HtpasswdStore.open(write(line + "\n"), clock);
    assertEquals(Optional.of("alice"), store.verify("alice", password));
    assertEquals(Optional.empty(), store.verify("alice", "p:ss"));
  }

  @Test
  void readsTheCommittedLineDebiansHtpasswdWrote() throws IOException {
    String fixture;
    try (InputStream in =
        getClass().getResourceAsStream("/htpasswd/debian-apache2-utils.htpasswd")) {
      fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    HtpasswdStore store = HtpasswdStore.open(write(fixture), clock);
    assertEquals(1, store.size());
    assertEquals(Optional.of("debian"), store.verify("debian", "fixture:pass word"));
    assertEquals(Optional.empty(), store.verify("debian", "fixture:pass wordX"));
    assertEquals(Optional.empty(), store.verify("Debian", "fixture:pass word"));
  }

  @Test
  void aSuccessIsCachedAndAFailureIsNot() throws IOException {
    HtpasswdStore store = HtpasswdStore.open(write("alice:" + hash("right") + "\n"), clock);
    assertEquals(Optional.of("alice"), store.verify("alice", "right"));
    assertEquals(1, store.bcryptChecks());
    assertEquals(Optional.of("alice"), store.verify("alice", "right"));
    assertEquals(1, store.bcryptChecks(), "the second success came from the cache");
    assertEquals(Optional.empty(), store.verify("alice", "wrong"));
    assertEquals(Optional.empty(), store.verify("alice", "wrong"));
    assertEquals(3, store.bcryptChecks(), "failures are checked every time");
    assertEquals(Optional.empty(), store.verify("bob", "right"), "a cached key is per user");
  }

  @Test
  void theCacheForgetsAfterItsLifetime() throws IOException {
    HtpasswdStore store = HtpasswdStore.open(write("alice:" + hash("right") + "\n"), clock,
        Duration.ofSeconds(30), 10);
    store.verify("alice", "right");
    clock.advance(Duration.ofSeconds(29));
    store.verify("alice", "right");
    assertEquals(1, store.bcryptChecks());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Optional.of("alice"), store.verify("alice", "right"));
    assertEquals(2, store.bcryptChecks());
  }

  @Test
  void aChangedFileIsReadAgainAtMostOnceASecondAndDropsTheCache() throws IOException {
    Path file = write("alice:" + hash("old") + "\n");
    HtpasswdStore store = HtpasswdStore.open(file, clock);
    assertEquals(Optional.of("alice"), store.verify("alice", "old"));
    Files.writeString(file, "alice:" + hash("new") + "\nbob:" + hash("b") + "\n");
    assertEquals(Optional.of("alice"), store.verify("alice", "old"),
        "within the second the old file still counts");
    clock.advance(Duration.ofMillis(1001));
    assertEquals(Optional.empty(), store.verify("alice", "old"), "the cached success is gone");
    assertEquals(Optional.of("alice"), store.verify("alice", "new"));
    assertEquals(Optional.of("bob"), store.verify("bob", "b"));
  }

  @Test
  void aFileBrokenWhileRunningFailsClosedUntilFixed() throws IOException {
    Path file = write("alice:" + hash("pw") + "\n");
    HtpasswdStore store = HtpasswdStore.open(file, clock);
    Files.writeString(file,
        "alice:" + hash("pw") + "\nbob:$apr1$NOhlJ0V/$u0cXPSyiBbd7X.TjkEcl3/\n");
    clock.advance(Duration.ofSeconds(2));
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> store.verify("alice", "pw"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(e.getMessage().contains("u0cXPSyiBbd7X"), e.getMessage());
    Files.writeString(file, "alice:" + hash("pw") + "\n");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Optional.of("alice"), store.verify("alice", "pw"));
  }

  @Test
  void aMissingFileIsRefusedAtOpen() {
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> HtpasswdStore.open(dir.resolve("absent"), clock));
    assertTrue(e.getMessage().contains("absent"), e.getMessage());
  }

  @Test
  void tooLongPasswordsAndUserNamesAreRefusedWithoutHashing() throws IOException {
    String seventyTwo = "p".repeat(72);
    HtpasswdStore store = HtpasswdStore.open(write("alice:" + hash(seventyTwo) + "\n"), clock);
    assertEquals(Optional.of("alice"), store.verify("alice", seventyTwo));
    long checks = store.bcryptChecks();
    // bcrypt would read only the first 72 bytes and say yes; Go's bcrypt and we say no.
    assertEquals(Optional.empty(), store.verify("alice", seventyTwo + "extra"));
    assertEquals(Optional.empty(), store.verify("alice", "\u00e9".repeat(37)), "74 UTF-8 bytes");
    assertEquals(Optional.empty(), store.verify("a".repeat(257), "x"));
    assertEquals(Optional.empty(), store.verify("", "x"));
    assertEquals(checks, store.bcryptChecks());
  }

  @Test
  void anUnknownUserCostsOneBcryptCheckLikeAWrongPassword() throws IOException {
    // Cost 8 (about 15 ms a check): without the dummy check an unknown user would answer in
    // microseconds. The medians must be within a factor of three of each other.
    String cost8 = BCrypt.hashpw("right", BCrypt.gensalt("$2y", 8));
    HtpasswdStore store = HtpasswdStore.open(write("alice:" + cost8 + "\n"), clock);
    store.verify("nobody", "x");
    long[] unknown = new long[7];
    long[] wrong = new long[7];
    for (int i = 0; i < unknown.length; i++) {
      long t0 = System.nanoTime();
      assertEquals(Optional.empty(), store.verify("nobody" + i, "right"));
      long t1 = System.nanoTime();
      assertEquals(Optional.empty(), store.verify("alice", "wrong" + i));
      long t2 = System.nanoTime();
      unknown[i] = t1 - t0;
      wrong[i] = t2 - t1;
    }
    Arrays.sort(unknown);
    Arrays.sort(wrong);
    double ratio = (double) unknown[3] / wrong[3];
    assertTrue(ratio > 0.33 && ratio < 3, "unknown/wrong median time ratio " + ratio);
    assertEquals(15, store.bcryptChecks());
  }

  @Test
  void passwordVersionChangesWithThePassword() throws IOException {
    Path file = write("alice:" + hash("one") + "\n");
    HtpasswdStore store = HtpasswdStore.open(file, clock);
    String before = store.passwordVersion("alice").orElseThrow();
    assertEquals(16, before.length());
    Files.writeString(file, "alice:" + hash("two") + "\n");
    clock.advance(Duration.ofSeconds(2));
    assertNotEquals(before, store.passwordVersion("alice").orElseThrow());
    assertTrue(store.passwordVersion("bob").isEmpty());
    assertTrue(store.contains("alice"));
    assertFalse(store.contains("bob"));
  }
}
