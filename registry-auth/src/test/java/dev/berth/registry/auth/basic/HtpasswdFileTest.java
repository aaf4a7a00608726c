package dev.berth.registry.auth.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.AuthConfigException;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.crypto.bcrypt.BCrypt;

class HtpasswdFileTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  static final String BCRYPT_2Y = "$2y$05$m/24P7eEi1kdKDOhIR2B9.4ZfxoQCw/Qdr7tuy827Bxaxvb9QLqlS";

  /** Every hash kind htpasswd can write except bcrypt, as it writes them (password "secret"). */
  static Stream<Arguments> refusedLines() {
    return Stream.of(
        Arguments.of("md5:$apr1$NOhlJ0V/$u0cXPSyiBbd7X.TjkEcl3/", "Apache MD5 ($apr1$)"),
        Arguments.of("sha:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "SHA-1 ({SHA})"),
        Arguments.of("crypt:rqXexS6ZhobKA", "DES crypt"),
        Arguments.of("plain:secret", "plain-text password"),
        Arguments.of("md5crypt:$1$abc$yCv8BvD8/m8f0Vkka9fzN.", "MD5-crypt ($1$)"),
        Arguments.of("sha512:$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MT"
            + "SuDDl3a"
            + "CI6WouIL9AjRbLCelDCy.g.", "SHA-crypt ($6$)"),
        Arguments.of("old:$2x$05$m/24P7eEi1kdKDOhIR2B9.4ZfxoQCw/Qdr7tuy827Bxaxvb9QLqlS",
            "pre-2011 variant"),
        Arguments.of("short:$2y$05$tooShort", "malformed bcrypt"),
        Arguments.of("cost:$2y$03$m/24P7eEi1kdKDOhIR2B9.4ZfxoQCw/Qdr7tuy827Bxaxvb9QLqlS",
            "malformed bcrypt"),
        Arguments.of("nohash:", "expected user:hash"),
        Arguments.of(":" + BCRYPT_2Y, "expected user:hash"),
        Arguments.of("no colon at all", "expected user:hash"));
  }

  @ParameterizedTest
  @MethodSource("refusedLines")
  void refusesEveryNonBcryptLineWithItsLineNumberAndNotItsContent(String line, String kind) {
    String text = "# users\n\nok:" + BCRYPT_2Y + "\n" + line + "\n";
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> HtpasswdFile.parse(text, "users.htpasswd", RANDOM));
    assertTrue(e.getMessage().startsWith("htpasswd file users.htpasswd line 4: "), e.getMessage());
    assertTrue(e.getMessage().contains(kind), e.getMessage());
    String secretPart = line.substring(line.indexOf(':') + 1);
    if (secretPart.length() > 3) {
      assertFalse(e.getMessage().contains(secretPart), "message repeats the hash: " + e);
    }
  }

  @Test
  void readsAllThreeBcryptPrefixesCommentsBlankLinesAndSpaces() {
    String a = BCrypt.hashpw("pw-a", BCrypt.gensalt("$2a", 4));
    String b = BCrypt.hashpw("pw-b", BCrypt.gensalt("$2b", 4));
    String text = "# comment\n\n  debian:" + BCRYPT_2Y + "  \r\nalice:" + a + "\nbob:" + b;
    HtpasswdFile file = HtpasswdFile.parse(text, "f", RANDOM);
    assertEquals(3, file.size());
    assertTrue(file.hash("debian").orElseThrow().matches("fixture:pass word"));
    assertTrue(file.hash("alice").orElseThrow().matches("pw-a"));
    assertTrue(file.hash("bob").orElseThrow().matches("pw-b"));
    assertFalse(file.hash("bob").orElseThrow().matches("pw-a"));
    assertTrue(file.hash("carol").isEmpty());
  }

  @Test
  void refusesAUserListedTwice() {
    String text = "alice:" + BCRYPT_2Y + "\nalice:" + BCRYPT_2Y + "\n";
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> HtpasswdFile.parse(text, "f", RANDOM));
    assertTrue(e.getMessage().contains("line 2: this user is already listed"), e.getMessage());
  }

  @Test
  void dummyHashHasTheCommonestCostAndMatchesNothing() {
    String cost4 = BCrypt.hashpw("x", BCrypt.gensalt("$2y", 4));
    String text = "a:" + BCRYPT_2Y + "\nb:" + BCRYPT_2Y.replace("debian", "") + "\nc:" + cost4;
    HtpasswdFile file = HtpasswdFile.parse(text, "f", RANDOM);
    assertEquals(5, file.dummy().cost());
    assertFalse(file.dummy().matches(""));
    assertFalse(file.dummy().matches("fixture:pass word"));
    assertEquals("bcrypt(cost 5)", file.dummy().toString());
  }
}
