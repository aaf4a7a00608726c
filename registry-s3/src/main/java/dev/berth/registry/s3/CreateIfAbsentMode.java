package dev.berth.registry.s3;

/**
 * How {@link S3Storage#writeIfAbsent} and {@code StorageWriter.commitIfAbsent} make sure that
 * only one writer creates an object. Detected when the storage starts, with a probe object
 * (docs/design/s3.md); {@link S3Storage#createIfAbsentMode()} tells which one is in use.
 */
public enum CreateIfAbsentMode {
  /**
   * The store refuses to replace an existing object when a PUT or a CompleteMultipartUpload
   * carries {@code If-None-Match: *} (AWS S3 since 2024). Atomic across every instance that
   * shares the bucket.
   */
  CONDITIONAL("conditional PUT and CompleteMultipartUpload (If-None-Match: *): atomic across"
      + " instances"),
  /**
   * The store honours {@code If-None-Match: *} on PUT only. Objects written in one request
   * (every {@code writeIfAbsent}, and streamed objects no larger than a part) are created
   * atomically across instances; a streamed object of several parts falls back to
   * {@link #CHECK_THEN_WRITE}.
   */
  CONDITIONAL_PUT_ONLY("conditional PUT (If-None-Match: *) for objects up to one part; larger"
      + " streamed objects: check then write, atomic within this instance only"),
  /**
   * The store has no conditional writes (or they were switched off): a HEAD, then the write,
   * both under a lock of this instance for that key. Atomic among the threads of this instance;
   * two instances creating the same key at the same moment may both be told they created it, and
   * the later write is the one kept.
   */
  CHECK_THEN_WRITE("check then write under a per-key lock: atomic within this instance only");

  private final String description;

  CreateIfAbsentMode(String description) {
    this.description = description;
  }

  /** One line for a launcher to print. */
  public String description() {
    return description;
  }

  boolean conditionalPut() {
    return this != CHECK_THEN_WRITE;
  }

  boolean conditionalComplete() {
    return this == CONDITIONAL;
  }
}
