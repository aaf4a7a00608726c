package dev.berth.registry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingJsonTest {

  @Test
  void writesWhatGsonReadsBack() {
    List<String> items = List.of("a", "quote\"d", "back\\slash", "tab\there", "nul\u0000", "é→✓", "");
    String text = new String(ListingJson.object("lib/repo", "tags", items), StandardCharsets.UTF_8);
    JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
    assertEquals("lib/repo", parsed.get("name").getAsString());
    JsonArray tags = parsed.getAsJsonArray("tags");
    assertEquals(items.size(), tags.size());
    for (int i = 0; i < items.size(); i++) {
      assertEquals(items.get(i), tags.get(i).getAsString());
    }
  }

  @Test
  void compactAndInTheSpecsShape() {
    assertEquals("{\"name\":\"r\",\"tags\":[\"v1\",\"v2\"]}",
        new String(ListingJson.object("r", "tags", List.of("v1", "v2")), StandardCharsets.UTF_8));
    assertEquals("{\"repositories\":[]}",
        new String(ListingJson.object(null, "repositories", List.of()), StandardCharsets.UTF_8));
  }
}
