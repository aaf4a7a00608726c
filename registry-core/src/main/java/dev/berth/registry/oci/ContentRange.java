package dev.berth.registry.oci;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Content-Range} of a chunk in a PATCH: {@code <start>-<end>}, both inclusive, as the
 * distribution spec writes it (no {@code bytes} unit; {@code bytes <start>-<end>/<total>} is read too).
 */
public record ContentRange(long start, long end) {

  private static final Pattern SPEC = Pattern.compile("^(?:bytes[ =])?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?$");

  public ContentRange {
    if (start < 0 || end < start) {
      throw new RegistryException(ErrorCode.RANGE_INVALID,
          "invalid Content-Range " + start + "-" + end + ": the end must not be before the start");
    }
  }

  /** @throws RegistryException {@code RANGE_INVALID} (416) when the header is malformed */
  public static ContentRange parse(String header) {
    Matcher m = SPEC.matcher(header.trim());
    if (!m.matches()) {
      throw new RegistryException(ErrorCode.RANGE_INVALID, "invalid Content-Range \"" + header
          + "\": expected <start>-<end>, e.g. 0-1023");
    }
    try {
      return new ContentRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    } catch (NumberFormatException e) {
      throw new RegistryException(ErrorCode.RANGE_INVALID, "Content-Range out of range: " + header);
    }
  }

  public long length() {
    return end - start + 1;
  }
}
