package dev.berth.registry.auth.server;

import java.util.Map;

/**
 * What the token endpoint answers: a status, extra headers and a JSON body. Kept apart from the
 * servlet so the rules are one class and the HTTP plumbing another.
 */
record TokenReply(int status, Map<String, String> headers, String json) {

  TokenReply {
    headers = Map.copyOf(headers);
  }
}
