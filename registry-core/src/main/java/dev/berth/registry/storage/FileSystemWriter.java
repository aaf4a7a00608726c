package dev.berth.registry.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Streams one object into a temporary file of a {@link FileSystemStorage}, then places it. */
final class FileSystemWriter extends StorageWriter {

  private final FileSystemStorage storage;
  private final String path;
  private final Path target;
  private final Path tempFile;
  private final FileChannel channel;
  private final OutputStream out;
  private long size;
  private boolean done;
  /**
   * Set when a write failed: the buffered stream may have written part of its buffer, so what
   * the file holds is no longer a clean prefix of what was written; it can only be cancelled.
   */
  private IOException failed;

  FileSystemWriter(FileSystemStorage storage, String path, Path target, Path tempFile)
      throws IOException {
    this.storage = storage;
    this.path = path;
    this.target = target;
    this.tempFile = tempFile;
    this.channel = FileChannel.open(tempFile, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    requireIntact();
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      failed = e;
      throw StorageFullException.of("write " + path, e);
    }
    size += len;
  }

  private void requireIntact() {
    if (failed != null) {
      throw StorageFullException.of("write " + path + " after an earlier write failed", failed);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void commit() {
    finish();
    try {
      LocalDisk.moveIntoPlace(tempFile, target, storage.durable());
    } catch (IOException e) {
      discard();
      throw StorageFullException.of("commit " + path, e);
    }
  }

  @Override
  public boolean commitIfAbsent() {
    finish();
    try {
      return LocalDisk.linkIntoPlace(tempFile, target, storage.durable());
    } catch (IOException e) {
      throw StorageFullException.of("commit " + path, e);
    } finally {
      discard();
    }
  }

  @Override
  public void cancel() {
    if (!done) {
      done = true;
      try {
        channel.close();
      } catch (IOException ignored) {
        // The file is removed next.
      }
    }
    discard();
  }

  /** Flushes the bytes (to the disk itself when durable), stamps the time, closes the file. */
  private void finish() {
    if (done) {
      throw new IllegalStateException("writer for " + path + " already finished");
    }
    if (failed != null) {
      cancel();
      requireIntact();
    }
    done = true;
    try (channel) {
      out.flush();
      if (storage.durable()) {
        channel.force(false);
      }
    } catch (IOException e) {
      discard();
      throw StorageFullException.of("write " + path, e);
    }
    try {
      storage.stamp(tempFile);
    } catch (IOException e) {
      discard();
      throw StorageFullException.of("write " + path, e);
    }
  }

  private void discard() {
    try {
      Files.deleteIfExists(tempFile);
    } catch (IOException ignored) {
      // A leftover temporary file is removed when a later instance finds its owner gone.
    }
  }
}
