package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "repository:a/b:pull,push          | repository | ''     | a/b     | pull,push",
      "repository:a/b:pull               | repository | ''     | a/b     | pull",
      "repository(plugin):a/b:pull       | repository | plugin | a/b     | pull",
      "registry:catalog:*                | registry   | ''     | catalog | *",
      "repository:a/b:pull,,push,pull    | repository | ''     | a/b     | pull,push",
      "repository:library/app:*          | repository | ''     | library/app | *"})
  void parsesAndFormats(String text, String type, String cls, String name, String actions) {
    Scope s = Scope.parse(text.strip()).orElseThrow();
    assertEquals(type, s.type());
    assertEquals(cls, s.resourceClass());
    assertEquals(name, s.name());
    assertEquals(List.of(actions.split(",")), s.actions());
    Scope again = Scope.parse(s.toString()).orElseThrow();
    assertEquals(s, again);
  }

  @ParameterizedTest
  @ValueSource(strings = {"repository:a/b", "repository", "", "Repository:a/b:pull",
      "repository(Plugin):a/b:pull", "repository::pull", "repository:a/b:", "repo sitory:a:pull",
      "repository:a/b:pull push", "repository:a\"b:pull"})
  void refusesWhatDoesNotFit(String text) {
    assertEquals(Optional.empty(), Scope.parse(text));
  }

  @Test
  void aNameCannotHoldAColon() {
    // distribution splits at the first two colons: name "a", actions "b:pull", no such action.
    assertEquals(Optional.empty(), Scope.parse("repository:a:b:pull"));
    assertEquals(Optional.empty(), Scope.parse("repository:localhost:5000/a:pull"));
  }

  @Test
  void parseAllSplitsOnSpacesAcrossRepeatedValuesDropsJunkAndMerges() {
    List<Scope> scopes = Scope.parseAll(List.of(
        "repository:a/b:pull repository:c/d:push", "  junk ", "repository:a/b:push",
        "repository(plugin):a/b:delete", "registry:catalog:*"));
    assertEquals(List.of(Scope.repository("a/b", "pull", "push", "delete"),
        Scope.repository("c/d", "push"), Scope.catalog()), scopes);
    assertEquals("repository:a/b:pull,push,delete repository:c/d:push registry:catalog:*",
        Scope.join(scopes));
    assertTrue(Scope.parseAll(List.of("")).isEmpty());
  }
}
