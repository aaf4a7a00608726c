package dev.berth.registry.s3;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks by key, for the check-then-write fallback of create-if-absent: two threads of
 * this instance creating one key are serialised. A thread holds at most one stripe at a time.
 */
final class KeyLocks {
  private static final int STRIPES = 64;
  private final Lock[] stripes = new Lock[STRIPES];

  KeyLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  Lock forKey(String key) {
    return stripes[Math.floorMod(key.hashCode(), STRIPES)];
  }
}
