package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The system's reason, in its own words, out of Java's exceptions and Jetty's wrappers. */
class OsReasonsTest {

  @Test
  void reasons() {
    assertEquals("permission denied", OsReasons.of(new AccessDeniedException("/srv")));
    assertEquals("no such file or directory", OsReasons.of(new NoSuchFileException("/x")));
    assertEquals("read-only file system", OsReasons.of(new FileSystemException("/srv", null,
        "Read-only file system")));
    assertEquals("address already in use", OsReasons.of(new IOException(
        "Failed to bind to 0.0.0.0/0.0.0.0:5000", new BindException("Address already in use"))));
    assertEquals("cannot assign requested address", OsReasons.of(new IOException("Failed",
        new BindException("Cannot assign requested address (Bind failed)"))));
    assertEquals("no such host", OsReasons.of(new IOException(
        new UnresolvedAddressException())));
  }
}
