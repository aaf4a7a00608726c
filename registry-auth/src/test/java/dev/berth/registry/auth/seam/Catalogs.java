package dev.berth.registry.auth.seam;

import com.google.gson.JsonElement;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.List;

/** What the seeded catalog shows each role: what it may read, by hand. */
final class Catalogs {

  private Catalogs() {}

  static List<String> expected(Roles role) {
    return switch (role) {
      case ANONYMOUS -> List.of("public/lib");
      case READER, WRITER, DELETER -> List.of("public/lib", "team/app");
      case OTHER -> List.of("other/thing", "public/lib");
      case ADMIN -> List.of("other/thing", "public/lib", "secret/app", "team/app");
    };
  }

  static List<String> listed(Response response) {
    List<String> names = new ArrayList<>();
    for (JsonElement e : response.json().getAsJsonArray("repositories")) {
      names.add(e.getAsString());
    }
    return names;
  }
}
