package dev.berth.it.support;

import dev.berth.it.support.CrashLedger.BlobSource;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The three ways a crash workload pushes a blob (SPEC §2.3): one {@code POST ?digest=} with the
 * body; {@code POST} then {@code PUT ?digest=} with the body; and {@code POST}, several
 * {@code PATCH} with {@code Content-Range}, then an empty {@code PUT ?digest=}. Only the closing
 * request can make the blob exist, so a push cut before it changes nothing in the ledger.
 */
final class BlobUploads {

  private static final String OCTET = "application/octet-stream";

  enum Mode {
    MONOLITHIC("blob POST ?digest= (monolithic)", 1, 32 * 1024),
    POST_PUT("blob POST then PUT", 1, 128 * 1024),
    CHUNKED("blob chunked (PATCH x n, PUT)", 32 * 1024, 256 * 1024);

    final String kind;
    final int minSize;
    final int maxSize;

    Mode(String kind, int minSize, int maxSize) {
      this.kind = kind;
      this.minSize = minSize;
      this.maxSize = maxSize;
    }
  }

  private final CrashClient http;
  private final CrashLedger ledger;
  private final SplittableRandom random;

  BlobUploads(CrashClient http, CrashLedger ledger, SplittableRandom random) {
    this.http = http;
    this.ledger = ledger;
    this.random = random;
  }

  Mode anyMode() {
    return Mode.values()[random.nextInt(Mode.values().length)];
  }

  /** A fresh blob, sized for the mode, unique to this write. */
  void pushNew(Mode mode, String id) {
    int size = mode.minSize + random.nextInt(mode.maxSize - mode.minSize);
    push(new BlobSource("berth crash blob " + ledger.repository + " " + id, random.nextLong(),
        size), mode, id);
  }

  void push(BlobSource source, Mode mode, String id) {
    byte[] bytes = source.bytes();
    Digest digest = Digest.sha256(bytes);
    String uploads = "/v2/" + ledger.repository + "/blobs/uploads/";
    String what = " blob " + digest + " (" + bytes.length + " bytes)";
    if (mode == Mode.MONOLITHIC) {
      String write = id + " POST " + uploads + "?digest=" + digest + what;
      Response r = http.send("POST", uploads + "?digest=" + digest, bytes, "Content-Type", OCTET);
      ledger.blobPushed(digest, source, mode.kind, http.expect(r, 201, write), write);
      return;
    }
    Response started = http.send("POST", uploads, null);
    if (!http.expect(started, 202, id + " POST " + uploads + " (start of" + what + ")")) {
      ledger.unknown.add(mode.kind + ", cut before its PUT");
      return;
    }
    String location = started.header("Location");
    int offset = 0;
    if (mode == Mode.CHUNKED) {
      // Each chunk holds at least one byte; a re-pushed blob may be a few bytes long.
      int chunks = Math.min(2 + random.nextInt(4), bytes.length);
      for (int c = 0; c < chunks; c++) {
        int left = chunks - c;
        int rest = bytes.length - offset;
        int end = left == 1 ? bytes.length
            : offset + 1 + random.nextInt(Math.max(1, Math.min(rest - left, 2 * rest / left)));
        String range = offset + "-" + (end - 1);
        Response patched = http.send("PATCH", location, Arrays.copyOfRange(bytes, offset, end),
            "Content-Type", OCTET, "Content-Range", range);
        if (!http.expect(patched, 202,
            id + " PATCH <upload> Content-Range " + range + " of" + what)) {
          ledger.unknown.add(mode.kind + ", cut before its PUT");
          return;
        }
        location = patched.header("Location");
        offset = end;
      }
    }
    String write = id + " PUT <upload>?digest=" + digest + (mode == Mode.CHUNKED
        ? " after " + offset + " bytes of PATCH" : " with") + what;
    Response put = http.send("PUT", RegistryClient.withQuery(location, "digest=" + digest),
        mode == Mode.CHUNKED ? null : bytes, "Content-Type", OCTET);
    ledger.blobPushed(digest, source, mode.kind, http.expect(put, 201, write), write);
  }
}
