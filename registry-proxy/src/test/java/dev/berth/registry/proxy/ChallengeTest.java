package dev.berth.registry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The challenges registries send, as they send them. */
class ChallengeTest {

  @Test
  void readsDockerHubsBearerChallenge() {
    Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\","
        + "service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\"").orElseThrow();
    assertTrue(c.isBearer());
    assertEquals(Map.of("realm", "https://auth.docker.io/token", "service",
        "registry.docker.io", "scope", "repository:library/alpine:pull"), c.parameters());
  }

  @Test
  void readsRegistryTwosBasicChallenge() {
    Challenge c = Challenge.parse("Basic realm=\"berth-test\"").orElseThrow();
    assertTrue(c.isBasic());
    assertEquals("berth-test", c.parameter("realm"));
  }

  @Test
  void keepsCommasAndEscapedQuotesInsideQuotedValuesAndReadsUnquotedOnes() {
    Challenge c = Challenge.parse("bearer realm=\"https://a/token?x=1,2\", "
        + "error=insufficient_scope, scope=\"repository:a:pull,push\", note=\"say \\\"hi\\\"\"")
        .orElseThrow();
    assertTrue(c.isBearer());
    assertEquals("https://a/token?x=1,2", c.parameter("realm"));
    assertEquals("insufficient_scope", c.parameter("error"));
    assertEquals("repository:a:pull,push", c.parameter("scope"));
    assertEquals("say \"hi\"", c.parameter("note"));
  }

  @Test
  void nothingToReadIsEmpty() {
    assertTrue(Challenge.parse(null).isEmpty());
    assertTrue(Challenge.parse("  ").isEmpty());
  }
}
