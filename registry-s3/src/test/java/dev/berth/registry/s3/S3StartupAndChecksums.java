package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the storage says when it cannot start, which checksums it sends, and a storage over a whole
 * bucket, on a real S3 server.
 */
abstract class S3StartupAndChecksums {
  abstract S3Server server();

  final RequestLog log = new RequestLog();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private S3Storage open(S3Config config) {
    S3Storage storage = S3Storage.open(config, Clock.systemUTC(), List.of(log),
        S3Copies.COPY_LIMIT);
    log.clear();
    return storage;
  }

  @Test
  void aMissingBucketIsNamed() {
    String bucket = "no-such-bucket-" + UUID.randomUUID();
    StorageException e = assertThrows(StorageException.class,
        () -> S3Storage.open(server().base(bucket).build(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("S3 bucket \"" + bucket + "\" at " + server().endpoint()
        + " does not exist"), e.getMessage());
  }

  @Test
  void refusedKeysAreNamedWithoutTheSecret() {
    S3Config config = server().base(server().bucket())
        .credentials(S3Credentials.of(server().accessKey(), "wrong-secret")).build();
    StorageException e = assertThrows(StorageException.class,
        () -> S3Storage.open(config, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("refused access (403)"), e.getMessage());
    assertTrue(e.getMessage().contains("access key " + server().accessKey()), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
  }

  @Test
  void anUnreachableEndpointIsNamed() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again below: nothing listens there
    }
    URI nowhere = URI.create("http://127.0.0.1:" + port);
    StorageException e = assertThrows(StorageException.class, () -> S3Storage.open(
        server().base(server().bucket()).endpoint(nowhere).build(), Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("cannot reach the S3 store for S3 bucket \""
        + server().bucket() + "\" at " + nowhere), e.getMessage());
  }

  @Test
  void checksumsWhenRequiredSendNoneWithWrites() throws Exception {
    try (S3Storage storage = open(server().config("checksums").build())) {
      storage.write("c/small", utf8("no checksum"));
      try (StorageWriter writer = storage.writer("c/streamed")) {
        writer.write(utf8("none either"));
        writer.commit();
      }
      assertArrayEquals(utf8("no checksum"), storage.read("c/small"));
      for (RequestLog.Request request : log.all()) {
        assertFalse(request.hasHeaderStartingWith("x-amz-checksum")
            || request.hasHeaderStartingWith("x-amz-sdk-checksum"), request.toString());
      }
      // DeleteObjects is the operation whose API demands a checksum: the store takes it.
      assertTrue(storage.delete("c"));
      assertTrue(storage.stat("c").isEmpty());
    }
  }

  /**
   * With the switch on, a write carries a CRC32 header (not an aws-chunked trailer: Berth sends
   * plain bodies), which both servers take.
   */
  @Test
  void checksumsWhenSupportedAreSentAsAHeader() throws Exception {
    S3Config config = server().config("checksums")
        .requestChecksums(ChecksumMode.WHEN_SUPPORTED)
        .responseChecksums(ChecksumMode.WHEN_SUPPORTED).build();
    try (S3Storage storage = open(config)) {
      storage.write("c/small", utf8("with a checksum"));
      try (StorageWriter writer = storage.writer("c/streamed")) {
        writer.write(utf8("and another"));
        writer.commit();
      }
      assertArrayEquals(utf8("with a checksum"), storage.read("c/small"));
      List<RequestLog.Request> puts = log.all().stream()
          .filter(r -> r.operation().equals("PutObject")).toList();
      assertEquals(2, puts.size());
      for (RequestLog.Request put : puts) {
        assertTrue(put.hasHeaderStartingWith("x-amz-checksum-crc32"), put.toString());
        assertFalse(put.hasHeaderStartingWith("x-amz-trailer"), put.toString());
      }
      assertTrue(storage.delete("c"));
    }
  }

  @Test
  void anEmptyRootPrefixUsesTheWholeBucket() {
    String bucket = "berth-whole-" + UUID.randomUUID().toString().substring(0, 8);
    try (S3Client raw = server().client()) {
      raw.createBucket(b -> b.bucket(bucket));
      try (S3Storage storage = open(server().base(bucket).rootPrefix("").build())) {
        storage.write("docker/registry/v2/repositories/a/_layers/x", utf8("link"));
        assertEquals(List.of("docker/registry/v2/repositories/a/_layers/x"),
            raw.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key())
                .toList(), "the key is the path, the probe object is gone");
        assertEquals(List.of("docker"), storage.list(""));
        assertTrue(storage.delete("docker"));
        assertEquals(List.of(), raw.listObjectsV2(b -> b.bucket(bucket)).contents());
      } finally {
        raw.deleteBucket(b -> b.bucket(bucket));
      }
    }
  }
}
