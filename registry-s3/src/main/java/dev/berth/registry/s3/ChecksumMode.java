package dev.berth.registry.s3;

/**
 * When the client computes checksums of what it sends, or checks those of what it receives.
 *
 * <p>Since version 2.30 the AWS SDK sends a CRC checksum with every write by default, in an
 * {@code aws-chunked} trailer, which many S3-compatible stores refuse: Ceph RGW 16 answers such a
 * PUT with 400. Berth therefore defaults to {@link #WHEN_REQUIRED}, the SDK's behaviour before
 * 2.30. Berth sends plain bodies, so with {@link #WHEN_SUPPORTED} the CRC travels as an
 * {@code x-amz-checksum-crc32} header instead; Ceph RGW 16 accepts that header without checking it.
 */
public enum ChecksumMode {
  /** Only for the operations whose API demands one (DeleteObjects). */
  WHEN_REQUIRED,
  /** On every operation that can carry one (the SDK's default since 2.30). */
  WHEN_SUPPORTED
}
