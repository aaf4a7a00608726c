package dev.berth.registry.auth.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Credentials never appear in a log line, an answer's body or an answer's headers: no password,
 * no Basic header value, no token (not even its signature, the part that makes it usable).
 */
final class Leaks {

  private Leaks() {}

  static List<String> secrets(Collection<String> tokens, String... extra) {
    List<String> secrets = new ArrayList<>(List.of(extra));
    for (Roles r : Roles.values()) {
      if (!r.anonymous()) {
        secrets.add(r.password);
        secrets.add(BasicCredentials.of(r.user, r.password).toHeader().substring(6));
      }
    }
    for (String token : tokens) {
      secrets.add(token.substring(token.lastIndexOf('.') + 1));
    }
    return secrets;
  }

  static void assertNone(List<String> logLines, Collection<Response> answers,
      Collection<String> tokens, String... extra) {
    List<Response> copy;
    synchronized (answers) {
      copy = List.copyOf(answers);
    }
    // One text per kind, searched once per secret; the offending line is looked up on a hit.
    String allLogs = String.join("\n", logLines);
    StringBuilder allAnswers = new StringBuilder();
    for (Response r : copy) {
      allAnswers.append(r.headers().map()).append('\n').append(r.text()).append('\n');
    }
    List<String> found = new ArrayList<>();
    for (String secret : secrets(tokens, extra)) {
      if (allLogs.contains(secret)) {
        logLines.stream().filter(l -> l.contains(secret)).forEach(l -> found.add("log: " + l));
      }
      if (allAnswers.indexOf(secret) >= 0) {
        copy.stream().filter(r -> (r.headers().map() + r.text()).contains(secret))
            .forEach(r -> found.add("answer: " + r));
      }
    }
    assertEquals(List.of(), found, "credentials leaked");
  }
}
