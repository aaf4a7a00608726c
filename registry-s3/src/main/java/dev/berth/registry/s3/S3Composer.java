package dev.berth.registry.s3;

import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Joins several objects into one ({@code Storage.move(List, target)}), on the server where S3
 * allows it: how an upload's chunks become its blob without a read and a re-upload through the
 * instance.
 *
 * <p>The target is one multipart upload. A stretch of a source of at least 5 MiB (S3's smallest
 * part but the last) is copied by the store itself with UploadPartCopy; shorter sources are read
 * and sent as one part through a buffer of at most one part size, so a run of small chunks costs
 * their bytes once through the instance and never more memory than one part. A buffer short of
 * 5 MiB when a large source follows takes the first bytes of that source to reach 5 MiB (a ranged
 * GET), and the rest of the source is copied. When everything fits one buffer of at most
 * {@link S3Config#SINGLE_PUT_LIMIT} there is no multipart upload: one PUT. distribution's S3
 * driver re-assembles small chunks the same way, on its one multipart upload per session
 * (docs/design/s3.md).
 */
final class S3Composer {
  /** All parts but the last must be at least this large (S3's rule, enforced by Ceph RGW). */
  static final long MIN_PART = S3Config.MIN_PART_SIZE;
  private static final int MAX_PARTS = 10_000;

  private final S3Storage storage;
  private final S3Client s3;
  private final String bucket;
  private final Keys keys;
  private final S3Listing listing;
  private final int partSize;
  private final long copyLimit;

  S3Composer(S3Storage storage, S3Client s3, String bucket, Keys keys, S3Listing listing,
      int partSize, long copyLimit) {
    this.storage = storage;
    this.s3 = s3;
    this.bucket = bucket;
    this.keys = keys;
    this.listing = listing;
    this.partSize = partSize;
    this.copyLimit = copyLimit;
  }

  /** Joins {@code sources} (storage paths, at least two) into {@code target}, then deletes them. */
  void move(List<String> sources, String target) {
    String to = keys.writable(target);
    Map<String, Long> sizes = sizes(sources);
    new Assembly(to, "move " + sources.size() + " objects to " + target).run(sizes);
    listing.deleteKeys(List.copyOf(sizes.keySet()), "move to " + target + ": delete sources");
  }

  /**
   * The size of each source, in order, from one listing per folder (a HEAD each would cost as
   * many requests as there are chunks).
   *
   * @throws ObjectNotFoundException naming the first source that is not there
   */
  private Map<String, Long> sizes(List<String> sources) {
    Map<String, Long> found = new HashMap<>();
    Map<String, Set<String>> byFolder = new LinkedHashMap<>();
    for (String source : sources) {
      String key = keys.object(source);
      if (source.isEmpty()) {
        throw new ObjectNotFoundException(source);
      }
      byFolder.computeIfAbsent(key.substring(0, key.lastIndexOf('/') + 1),
          f -> new HashSet<>()).add(key);
    }
    for (Map.Entry<String, Set<String>> folder : byFolder.entrySet()) {
      int wanted = folder.getValue().size();
      String token = null;
      do {
        String continuation = token;
        ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket)
            .prefix(folder.getKey()).delimiter("/").maxKeys(S3Listing.PAGE)
            .continuationToken(continuation));
        for (S3Object o : page.contents()) {
          if (folder.getValue().contains(o.key()) && found.put(o.key(), o.size()) == null) {
            wanted--;
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null && wanted > 0);
    }
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (String source : sources) {
      Long size = found.get(keys.object(source));
      if (size == null) {
        throw new ObjectNotFoundException(source);
      }
      sizes.put(keys.object(source), size);
    }
    return sizes;
  }

  /** One join: a multipart upload created at the first part, or a single PUT. */
  private final class Assembly {
    private final String target;
    private final String operation;
    private final Map<String, String> stamp;
    private final List<CompletedPart> parts = new ArrayList<>();
    private final byte[] scratch = new byte[64 * 1024];
    private PartBuffer buffer;
    private String uploadId;
    /** The source being added, to name it when it turns out to be missing. */
    private String current;

    Assembly(String target, String operation) {
      this.target = target;
      this.operation = operation;
      this.stamp = storage.times().stampNow();
    }

    void run(Map<String, Long> sizes) {
      boolean done = false;
      try {
        for (Map.Entry<String, Long> source : sizes.entrySet()) {
          current = source.getKey();
          add(source.getKey(), source.getValue());
        }
        current = null;
        finish();
        done = true;
      } catch (SdkException e) {
        if (S3Failures.isNotFound(e) && current != null) {
          // Deleted since it was listed (a concurrent completion or cancel of the same upload).
          throw new ObjectNotFoundException(keys.path(current));
        }
        throw S3Failures.of(operation, e);
      } finally {
        if (!done && uploadId != null) {
          S3Copies.abortQuietly(s3, bucket, target, uploadId);
        }
      }
    }

    private void add(String source, long size) {
      long at = 0;
      while (at < size) {
        long rest = size - at;
        int buffered = buffer == null ? 0 : buffer.size();
        if (buffered == 0 && rest >= MIN_PART) {
          // Copied by the store; the remainder of a huge source stays at least one minimum part.
          long piece = rest <= copyLimit ? rest : Math.min(copyLimit, rest - MIN_PART);
          copy(source, at, piece);
          at += piece;
        } else if (buffered >= MIN_PART && rest >= MIN_PART) {
          send();
        } else {
          long wanted = buffered < MIN_PART && rest >= MIN_PART ? MIN_PART - buffered
              : Math.min(rest, partSize - buffered);
          read(source, at, (int) wanted);
          at += wanted;
          if (buffer.full()) {
            send();
          }
        }
      }
    }

    private void copy(String source, long start, long length) {
      int number = nextPart();
      String range = "bytes=" + start + "-" + (start + length - 1);
      String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(source)
          .destinationBucket(bucket).destinationKey(target).uploadId(uploadId)
          .partNumber(number).copySourceRange(range)).copyPartResult().eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    }

    private void read(String source, long start, int length) {
      if (buffer == null) {
        buffer = new PartBuffer(partSize);
      }
      String range = "bytes=" + start + "-" + (start + length - 1);
      try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(source).range(range))) {
        int remaining = length;
        while (remaining > 0) {
          int n = in.read(scratch, 0, Math.min(scratch.length, remaining));
          if (n < 0) {
            throw new StorageException(operation + ": " + source + " ended "
                + remaining + " bytes early", null);
          }
          buffer.add(scratch, 0, n);
          remaining -= n;
        }
      } catch (IOException e) {
        throw new StorageException(operation + ": read " + source, e);
      }
    }

    private void send() {
      int number = nextPart();
      String etag = s3.uploadPart(b -> b.bucket(bucket).key(target).uploadId(uploadId)
          .partNumber(number), buffer.body()).eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      buffer.clear();
    }

    /** Creates the multipart upload on the first part; the number of the next part. */
    private int nextPart() {
      if (parts.size() == MAX_PARTS) {
        throw new StorageException(operation + ": more than " + MAX_PARTS + " parts; configure"
            + " a larger S3 part size", null);
      }
      if (uploadId == null) {
        uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(target).metadata(stamp))
            .uploadId();
      }
      return parts.size() + 1;
    }

    private void finish() {
      if (uploadId == null && (buffer == null || buffer.size() <= S3Config.SINGLE_PUT_LIMIT)) {
        // Everything fitted one buffer of at most the single-PUT limit (or there was nothing).
        storage.put(target, operation, buffer == null ? RequestBody.empty() : buffer.body());
        return;
      }
      if (buffer != null && buffer.size() > 0) {
        send();
      }
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(target).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
      uploadId = null;
    }
  }
}
