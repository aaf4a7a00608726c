package dev.berth.registry.s3;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Modification times from the storage's clock, kept in the user metadata
 * {@code x-amz-meta-berth-modified} (an ISO-8601 instant) of every object Berth writes, because
 * the store's own {@code Last-Modified} comes from the store's clock, which a test clock (or a
 * garbage collector's idea of "now") does not move.
 *
 * <p>A listing carries only {@code LastModified}, never user metadata. {@link #listingAgrees}
 * decides, per listing page, whether that time can stand for the storage clock's: it can when
 * the store's clock, read from the page's {@code Date} header, is within {@link #TOLERANCE} of
 * the storage clock (a production registry on a synchronised host); otherwise the caller asks each
 * object for its metadata (docs/design/s3.md, "Times").
 */
final class ModificationTimes {
  /** User metadata name (sent as {@code x-amz-meta-berth-modified}; stores lower-case it). */
  static final String KEY = "berth-modified";

  /**
   * How far the store's clock may be from the storage clock for listing times to stand in. The
   * {@code Date} header has whole seconds, so one second of it is resolution, not skew.
   */
  static final Duration TOLERANCE = Duration.ofSeconds(2);

  private final Clock clock;

  ModificationTimes(Clock clock) {
    this.clock = clock;
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * User metadata naming one write, on objects created conditionally: when the SDK retried a
   * create whose first attempt failed without an answer, a 412 may mean "your first attempt
   * created it"; the name tells (see {@link S3Storage#createIfAbsent}).
   */
  static final String WRITE_ID = "berth-write-id";

  /** The metadata that stamps an object written now. */
  Map<String, String> stampNow() {
    return Map.of(KEY, now().toString());
  }

  /** The metadata that stamps an object written now by the write {@code writeId}. */
  Map<String, String> stampNow(String writeId) {
    return Map.of(KEY, now().toString(), WRITE_ID, writeId);
  }

  /** The object's time: Berth's stamp, or the store's time for objects others wrote. */
  static Instant of(HeadObjectResponse head) {
    return of(head.metadata(), head.lastModified());
  }

  static Instant of(Map<String, String> metadata, Instant lastModified) {
    String stamp = metadata.get(KEY);
    if (stamp != null) {
      try {
        return Instant.parse(stamp);
      } catch (DateTimeParseException e) {
        // Written by something else under our name: the store's time is the honest answer.
      }
    }
    return lastModified == null ? Instant.EPOCH : lastModified;
  }

  /**
   * Whether the {@code LastModified} times of a listing answered by {@code http} are storage
   * clock times (within {@link #TOLERANCE}).
   */
  boolean listingAgrees(SdkHttpResponse http) {
    Optional<Instant> storeNow = http.firstMatchingHeader("Date").flatMap(ModificationTimes::date);
    if (storeNow.isEmpty()) {
      return false;
    }
    // Date is truncated to the second: the store's clock was in [date, date + 1 s).
    Duration ahead = Duration.between(storeNow.get(), now());
    return ahead.compareTo(TOLERANCE) <= 0 && ahead.compareTo(TOLERANCE.negated()) >= 0;
  }

  /**
   * How far the storage clock is ahead of the store's clock, read from the {@code Date} header of
   * an answer (zero when there is none): turns the store's times that carry no stamp (a multipart
   * upload's {@code Initiated}) into storage clock times, to within a second.
   */
  Duration storeBehind(SdkHttpResponse http) {
    return http.firstMatchingHeader("Date").flatMap(ModificationTimes::date)
        .map(storeNow -> Duration.between(storeNow, now())).orElse(Duration.ZERO);
  }

  private static Optional<Instant> date(String header) {
    try {
      return Optional.of(ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
