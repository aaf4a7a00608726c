package dev.berth.registry.servlet;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.RegistryException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The one place that writes the {@code {"errors":[{"code","message","detail"}]}} envelope. */
final class ErrorResponses {
  private ErrorResponses() {}

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** @return the body bytes written (none for HEAD) */
  static int write(HttpServletResponse response, RegistryException e, boolean head)
      throws IOException {
    JsonArray errors = new JsonArray();
    for (RegistryException.Error error : e.errors()) {
      JsonObject entry = new JsonObject();
      entry.addProperty("code", error.code().code());
      entry.addProperty("message", error.message());
      JsonElement detail = error.detail() == null ? new JsonObject()
          : error.detail() instanceof JsonElement json ? json : GSON.toJsonTree(error.detail());
      entry.add("detail", detail);
      errors.add(entry);
    }
    JsonObject body = new JsonObject();
    body.add("errors", errors);
    byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
    response.setStatus(e.httpStatus());
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    if (head) {
      return 0;
    }
    try (OutputStream out = response.getOutputStream()) {
      out.write(bytes);
    }
    return bytes.length;
  }
}
