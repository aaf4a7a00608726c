package dev.berth.registry.s3;

import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The prefix listings behind {@code list}, {@code walk}, directory {@code stat} and tree
 * {@code delete}. Every one is bounded by a prefix, never the whole bucket, and reads pages of at
 * most 1,000 keys (S3's page size).
 */
final class S3Listing {
  static final int PAGE = 1000;

  private final S3Client s3;
  private final String bucket;
  private final Keys keys;

  S3Listing(S3Client s3, String bucket, Keys keys) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keys = keys;
  }

  /**
   * The names directly under the key prefix {@code prefix}, after {@code startAfter}, in the
   * storage's lexical order of names, at most {@code limit}.
   *
   * <p>S3 lists in key order, where a directory {@code v1} sorts as {@code v1/}: after
   * {@code v1-rc} and {@code v1.0} ({@code -} and {@code .} sort before {@code /}), although as a
   * name it comes first. So names are collected in a sorted set and a page is final only up to a
   * bound below which nothing unseen can sort (see {@link #settledBound}); more pages are read
   * when the quirk pushes a name past that bound.
   */
  List<String> names(String prefix, String startAfter, int limit, String hiddenName) {
    NavigableSet<String> found = new TreeSet<>();
    String token = null;
    int pageSize = (int) Math.min(PAGE, Math.max(2L, (long) limit + 2));
    while (true) {
      ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket)
          .prefix(prefix).delimiter("/").maxKeys(pageSize);
      if (token != null) {
        request.continuationToken(token);
      } else if (startAfter != null) {
        // Every name after startAfter has a key after prefix + startAfter (a directory's key
        // prefix is longer than its name); the directory startAfter/ itself comes back, skipped.
        request.startAfter(prefix + startAfter);
      }
      ListObjectsV2Response page = s3.listObjectsV2(request.build());
      String lastKey = null;
      for (S3Object o : page.contents()) {
        String relative = o.key().substring(prefix.length());
        lastKey = max(lastKey, relative);
        add(found, relative, startAfter, hiddenName);
      }
      for (CommonPrefix p : page.commonPrefixes()) {
        String relative = p.prefix().substring(prefix.length());
        lastKey = max(lastKey, relative);
        add(found, relative.substring(0, relative.length() - 1), startAfter, hiddenName);
      }
      if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextContinuationToken() == null) {
        break;
      }
      token = page.nextContinuationToken();
      if (lastKey != null) {
        String bound = settledBound(lastKey);
        if (found.headSet(bound, bound.equals(lastKey)).size() >= limit) {
          break;
        }
      }
    }
    List<String> result = new ArrayList<>(Math.min(found.size(), limit));
    for (String name : found) {
      if (result.size() >= limit) {
        break;
      }
      result.add(name);
    }
    return result;
  }

  /**
   * The smallest name that a later page could still add, given that every key up to
   * {@code lastKey} was seen: a later key {@code d/} is a directory {@code d} that sorts before
   * {@code lastKey} as a name when {@code lastKey} is {@code d} followed by a character below
   * {@code /}. So the bound is the shortest such {@code d}, else {@code lastKey} itself
   * (inclusive: that name is already in the set).
   */
  static String settledBound(String lastKey) {
    for (int i = 1; i < lastKey.length(); i++) {
      if (lastKey.charAt(i) < '/') {
        return lastKey.substring(0, i);
      }
    }
    return lastKey;
  }

  private static void add(NavigableSet<String> found, String name, String startAfter,
      String hiddenName) {
    if (name.isEmpty() || name.equals(hiddenName)) {
      return; // "dir/" marker objects that other tools create; Berth's own probe folder
    }
    if (startAfter == null || name.compareTo(startAfter) > 0) {
      found.add(name);
    }
  }

  private static String max(String a, String b) {
    return a == null || b.compareTo(a) > 0 ? b : a;
  }

  /** Some object under the key prefix, if any: a directory's {@code stat}. */
  Optional<S3Object> first(String prefix) {
    ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).maxKeys(1));
    return page.contents().stream().findFirst();
  }

  /**
   * Every object under the key prefix, page by page (memory holds one page). {@code entries}
   * turns one page into storage entries: it decides where each object's time comes from.
   */
  void walk(String prefix, String hiddenPrefix,
      Function<ListObjectsV2Response, List<StorageEntry>> entries, Consumer<StorageEntry> visitor) {
    pages(prefix, page -> {
      for (StorageEntry entry : entries.apply(page)) {
        if (hiddenPrefix == null || !entry.path().startsWith(hiddenPrefix)) {
          visitor.accept(entry);
        }
      }
    });
  }

  /** Visits the key of every object under {@code prefix}, in the store's (byte) order. */
  void keys(String prefix, Consumer<String> visitor) {
    pages(prefix, page -> page.contents().forEach(o -> visitor.accept(o.key())));
  }

  /** Every listing page of the objects under {@code prefix}, {@value #PAGE} keys a request. */
  private void pages(String prefix, Consumer<ListObjectsV2Response> visitor) {
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)
          .maxKeys(PAGE).continuationToken(continuation));
      visitor.accept(page);
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
  }

  /** The storage path of a listed object, or null for a {@code dir/} marker object. */
  String path(S3Object o) {
    String path = keys.path(o.key());
    return path.isEmpty() || path.endsWith("/") ? null : path;
  }

  /**
   * Deletes every object under the key prefix with DeleteObjects, 1,000 keys a request.
   *
   * @return how many objects were deleted
   */
  int deleteAll(String prefix, String operation) {
    int[] deleted = {0};
    pages(prefix, page -> {
      List<String> batch = page.contents().stream().map(S3Object::key).toList();
      deleteBatch(batch, operation);
      deleted[0] += batch.size();
    });
    return deleted[0];
  }

  /** Deletes the objects at {@code keys} with DeleteObjects, 1,000 keys a request. */
  void deleteKeys(List<String> keys, String operation) {
    for (int from = 0; from < keys.size(); from += PAGE) {
      deleteBatch(keys.subList(from, Math.min(keys.size(), from + PAGE)), operation);
    }
  }

  private void deleteBatch(List<String> keys, String operation) {
    if (keys.isEmpty()) {
      return;
    }
    List<ObjectIdentifier> batch = keys.stream()
        .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
    DeleteObjectsResponse answer = s3.deleteObjects(b -> b.bucket(bucket)
        .delete(d -> d.objects(batch).quiet(true)));
    List<S3Error> errors = answer.errors().stream()
        .filter(e -> !"NoSuchKey".equals(e.code())).toList();
    if (!errors.isEmpty()) {
      S3Error first = errors.get(0);
      throw new StorageException(operation + ": the S3 store could not delete " + errors.size()
          + " of " + batch.size() + " objects, first " + first.key() + ": " + first.code() + " "
          + first.message());
    }
  }
}
