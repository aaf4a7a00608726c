package dev.berth.registry.gc;

import java.time.Instant;

/**
 * Another garbage collection holds the storage's lease (on this instance or another one sharing
 * the storage), or took it over while this collection ran: only one collects at a time. Nothing
 * is wrong; a scheduled collection just tries again at its next turn.
 */
public class CollectionInProgressException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String holder;
  private final Instant until;

  public CollectionInProgressException(String message, String holder, Instant until) {
    super(message);
    this.holder = holder;
    this.until = until;
  }

  /** Who holds the lease: the host and a random id of its collection. */
  public String holder() {
    return holder;
  }

  /** When the holder's lease lapses unless it renews it. */
  public Instant until() {
    return until;
  }
}
