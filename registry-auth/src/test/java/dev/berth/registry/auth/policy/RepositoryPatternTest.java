package dev.berth.registry.auth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryPatternTest {

  @ParameterizedTest
  @CsvSource({
      "**, a, true", "**, a/b/c, true",
      "*, a, true", "*, a/b, false",
      "infra/*, infra/app, true", "infra/*, infra/app/x, false", "infra/*, infra, false",
      "tmp/**, tmp, true", "tmp/**, tmp/a, true", "tmp/**, tmp/a/b, true", "tmp/**, tmpx, false",
      "tmp/**, tmpx/a, false",
      "**/app, app, true", "**/app, a/app, true", "**/app, a/b/app, true", "**/app, xapp, false",
      "a/**/z, a/z, true", "a/**/z, a/b/z, true", "a/**/z, a/b/c/z, true", "a/**/z, a/bz, false",
      "repos2/repo, repos2/repo, true", "repos2/repo, repos2/repo2, false",
      "app-?, app-1, true", "app-?, app-10, false", "a.b, a.b, true", "a.b, axb, false",
      "team/*/svc-*, team/x/svc-api, true", "team/*/svc-*, team/x/y/svc-api, false"})
  void matchesLikeDoublestar(String pattern, String repository, boolean expected) {
    assertEquals(expected, RepositoryPattern.compile(pattern).matches(repository),
        pattern + " ~ " + repository);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a**", "a/b**", "[ab]", "{a,b}/c", "a\\b"})
  void refusesWhatItDoesNotSupport(String pattern) {
    assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.compile(pattern));
  }
}
