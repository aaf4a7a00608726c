package dev.berth.registry.servlet;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the listing bodies ({@code {"name":...,"tags":[...]}}, {@code {"repositories":[...]}})
 * straight into text: a page of 1,000 tags is one string built in one pass, instead of a tree of
 * 1,000 JSON elements written through a generic writer. Names and tags cannot hold characters that
 * need escaping by their grammars; the escaping below is kept for correctness all the same.
 */
final class ListingJson {
  private ListingJson() {}

  /** {@code {"<nameField>":"<name>","<field>":[...]}}; without a name when {@code name} is null. */
  static byte[] object(String name, String field, List<String> items) {
    int size = 32 + field.length() + (name == null ? 0 : name.length());
    for (String item : items) {
      size += item.length() + 3;
    }
    StringBuilder json = new StringBuilder(size).append('{');
    if (name != null) {
      json.append("\"name\":");
      string(json, name);
      json.append(',');
    }
    string(json, field);
    json.append(":[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      string(json, items.get(i));
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }
}
