package dev.berth.registry.oci;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed reads of JSON fields with the spec's error: {@code MANIFEST_INVALID} and a message that
 * names the field ({@code "layers[2].size must be a whole number"}). {@code prefix} is the path of
 * the object the field belongs to, with a trailing dot, or empty for the top level.
 */
public final class JsonFields {
  private JsonFields() {}

  /**
   * A JSON integer as Go's {@code encoding/json} reads one into an {@code int64}, which is what
   * distribution does: digits with an optional minus, no fraction, no exponent, at most 19 digits.
   * The lexeme is checked before any conversion, so {@code 1e100000} or a 5,000-digit number costs
   * nothing and is refused like any other malformed number.
   */
  private static final Pattern INT64 = Pattern.compile("-?(?:0|[1-9][0-9]{0,18})");

  /** A whole number field; empty-handed callers get {@code null} when the field is absent. */
  public static Long integer(JsonObject json, String field, String prefix) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      return null;
    }
    return integer(element, prefix + field);
  }

  /** {@code element} as a whole number that fits in 64 bits. */
  public static long integer(JsonElement element, String what) {
    if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
      throw invalid(what + " must be a number");
    }
    String lexeme = element.getAsJsonPrimitive().getAsString();
    if (lexeme.length() > 20 || !INT64.matcher(lexeme).matches()) {
      throw invalid(what + " must be a whole number of at most 64 bits, not "
          + Strings.quote(lexeme.length() > 40 ? lexeme.substring(0, 40) + "..." : lexeme));
    }
    try {
      return Long.parseLong(lexeme);
    } catch (NumberFormatException e) {
      throw invalid(what + " is out of range: " + Strings.quote(lexeme));
    }
  }

  /** Whether {@code element} is the JSON integer {@code value} (for {@code schemaVersion}). */
  public static boolean isInteger(JsonElement element, long value) {
    if (element == null || !element.isJsonPrimitive()) {
      return false;
    }
    JsonPrimitive p = element.getAsJsonPrimitive();
    return p.isNumber() && INT64.matcher(p.getAsString()).matches()
        && p.getAsString().equals(Long.toString(value));
  }

  public static String string(JsonObject json, String field, String prefix) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      return null;
    }
    if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
      throw invalid(prefix + field + " must be a string");
    }
    return element.getAsString();
  }

  /** A field that must be an array of strings, when present; its values. */
  public static java.util.List<String> strings(JsonObject json, String field, String prefix) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      return java.util.List.of();
    }
    if (!element.isJsonArray()) {
      throw invalid(prefix + field + " must be an array of strings");
    }
    java.util.List<String> values = new java.util.ArrayList<>();
    for (JsonElement item : element.getAsJsonArray()) {
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw invalid(prefix + field + " must be an array of strings");
      }
      values.add(item.getAsString());
    }
    return values;
  }

  public static JsonObject object(JsonObject json, String field, String prefix, boolean required) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      if (required) {
        throw invalid(prefix + field + " is required");
      }
      return null;
    }
    if (!element.isJsonObject()) {
      throw invalid(prefix + field + " must be an object");
    }
    return element.getAsJsonObject();
  }

  /** The {@code annotations} string map of an object, empty when absent. */
  public static Map<String, String> annotations(JsonObject json, String prefix) {
    JsonObject object = object(json, "annotations", prefix, false);
    if (object == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      JsonElement value = e.getValue();
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        throw invalid(prefix + "annotations." + e.getKey() + " must be a string");
      }
      result.put(e.getKey(), value.getAsString());
    }
    return result;
  }

  public static RegistryException invalid(String message) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
  }
}
