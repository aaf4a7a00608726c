package dev.berth.registry.auth.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BasicCredentialsTest {

  private static String basic(String raw) {
    return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "alice:secret      | alice | secret",
      "alice:a:b:c       | alice | a:b:c",
      "alice:            | alice | ''",
      "alice::           | alice | :",
      "al ice:pw d       | al ice | pw d",
      ":pw               | ''    | pw",
      "j\u00f6rg:p\u00e4ss | j\u00f6rg | p\u00e4ss"})
  void splitsAtTheFirstColon(String raw, String user, String password) throws Exception {
    BasicCredentials c = BasicCredentials.parse(basic(raw.strip())).orElseThrow();
    assertEquals(user, c.user());
    assertEquals(password, c.password());
  }

  @Test
  void schemeIsCaseInsensitiveAndOtherSchemesAreNotOurs() throws Exception {
    String encoded = basic("a:b").substring(6);
    assertEquals("a", BasicCredentials.parse("basic " + encoded).orElseThrow().user());
    assertEquals("a", BasicCredentials.parse("BASIC " + encoded).orElseThrow().user());
    assertEquals(Optional.empty(), BasicCredentials.parse("Bearer abc.def.ghi"));
    assertEquals(Optional.empty(), BasicCredentials.parse("Basically " + encoded));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Basic !!!notbase64!!!  | not base64",
      "Basic                  | without a colon",
      "Basic bm9jb2xvbg==     | without a colon",
      "Basic /w==             | not UTF-8"})
  void malformedCredentialsAreRefusedWithAFixedMessage(String header, String why) {
    BasicCredentials.MalformedException e = assertThrows(BasicCredentials.MalformedException.class,
        () -> BasicCredentials.parse(header.strip()));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void veryLongCredentialsAreRefusedBeforeDecoding() {
    String secret = "s".repeat(10_000);
    BasicCredentials.MalformedException e = assertThrows(BasicCredentials.MalformedException.class,
        () -> BasicCredentials.parse(basic("alice:" + secret)));
    assertTrue(e.getMessage().contains("longer than 4096"), e.getMessage());
    assertFalse(e.getMessage().contains("sss"), e.getMessage());
  }

  @Test
  void controlCharactersInTheUserAreRefused() {
    assertThrows(BasicCredentials.MalformedException.class,
        () -> BasicCredentials.parse(basic("ali\nce:pw")));
  }

  @Test
  void toStringHidesThePasswordAndToHeaderRoundTrips() throws Exception {
    BasicCredentials c = BasicCredentials.of("alice", "hunter2:x");
    assertFalse(c.toString().contains("hunter2"), c.toString());
    BasicCredentials back = BasicCredentials.parse(c.toHeader()).orElseThrow();
    assertEquals("hunter2:x", back.password());
  }
}
