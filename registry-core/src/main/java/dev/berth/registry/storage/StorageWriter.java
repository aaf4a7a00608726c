package dev.berth.registry.storage;

import java.io.OutputStream;

/**
 * Streams one object into storage. Bytes go to a private place; {@link #commit()} makes them visible
 * at the target path atomically. Closing without committing discards them.
 */
public abstract class StorageWriter extends OutputStream {

  /** Bytes written so far. */
  public abstract long size();

  /** Makes the object visible at its path, replacing what was there. */
  public abstract void commit();

  /**
   * Like {@link #commit()}, for an object that is moved elsewhere before the request that wrote it
   * is answered: its bytes reach the disk, but the name it has until the move need not, since the
   * move flushes the name it ends under. After a power loss the object may be missing under this
   * path; under the path it is moved to it is whole. Saves a disk round trip on a closing upload
   * request (see docs/design/crash-safety.md). Stores without such a difference just commit.
   */
  public void commitBeforeMove() {
    commit();
  }

  /**
   * Makes the object visible at its path only if no object is there.
   *
   * @return true if committed, false if another object was already there (this one is discarded)
   */
  public abstract boolean commitIfAbsent();

  /** Discards the bytes written. Safe to call after commit (then it does nothing). */
  public abstract void cancel();

  /** Closing without a commit cancels. */
  @Override
  public void close() {
    cancel();
  }
}
