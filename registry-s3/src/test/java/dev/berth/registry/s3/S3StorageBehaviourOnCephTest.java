package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.StorageFullException;
import dev.berth.registry.storage.StorageWriter;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class S3StorageBehaviourOnCephTest extends S3StorageBehaviour {
  /**
   * Starts (or finds) the gateway once, before any test: without Ceph the class is skipped (or
   * fails under BERTH_REQUIRE_PROGRAMS=1) as a whole, before the contract's per-test hooks run.
   */
  @BeforeAll
  static void gateway() {
    CephGateway.server();
  }

  @Override
  S3Server server() {
    return CephGateway.server();
  }

  /** Ceph 16.2 refuses a second PUT with If-None-Match: *, but completes a multipart upload. */
  @Override
  CreateIfAbsentMode expectedMode() {
    return CreateIfAbsentMode.CONDITIONAL_PUT_ONLY;
  }

  /** A real RGW bucket quota: writes fail typed and change nothing, reads go on. */
  @Test
  void anExceededQuotaIsStorageFull() throws Exception {
    String bucket = "berth-quota-" + UUID.randomUUID().toString().substring(0, 8);
    try (S3Client raw = server().client()) {
      raw.createBucket(b -> b.bucket(bucket));
      try (S3Storage storage = S3Storage.open(server().base(bucket).build(), Clock.systemUTC())) {
        storage.write("a", utf8("first"));
        CephGateway.admin("quota", "set", "--quota-scope=bucket", "--bucket=" + bucket,
            "--max-objects=1");
        CephGateway.admin("quota", "enable", "--quota-scope=bucket", "--bucket=" + bucket);
        StorageFullException e = assertThrows(StorageFullException.class,
            () -> storage.write("b", utf8("second")));
        assertTrue(e.getMessage().startsWith("write b: the S3 store is full or over quota (the"
            + " S3 store answered 403 QuotaExceeded"), e.getMessage());
        try (StorageWriter writer = storage.writer("c")) {
          writer.write(utf8("streamed"));
          assertThrows(StorageFullException.class, writer::commit);
        }
        assertArrayEquals(utf8("first"), storage.read("a"));
        assertTrue(storage.stat("b").isEmpty());
        assertTrue(storage.stat("c").isEmpty());
        assertTrue(storage.delete("a"));
      } finally {
        raw.deleteBucket(b -> b.bucket(bucket));
      }
    }
  }
}
