package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;

/** The value types are valid by construction, with the spec's grammars. */
class ValueTypesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "library/ubuntu", "a.b_c__d-e---f/g0", "x/y/z/w", "0"})
  void validNames(String name) {
    assertEquals(name, RepositoryName.parse(name).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A", "a//b", "a/", "/a", "a-", "-a", "a_-b", "a___b", "a..b", "a b"})
  void invalidNames(String name) {
    RegistryException e = assertThrows(RegistryException.class, () -> RepositoryName.parse(name));
    assertEquals(ErrorCode.NAME_INVALID, e.code());
  }

  @Test
  void namesAreAtMost255Characters() {
    assertTrue(RepositoryName.isValid("a".repeat(255)));
    assertFalse(RepositoryName.isValid("a".repeat(256)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "_x", "v1.0.0-rc.1", "A_b.C-d"})
  void validTags(String tag) {
    assertEquals(tag, Tag.parse(tag).value());
  }

  @Test
  void invalidTags() {
    for (String tag : new String[] {"", "-x", ".x", "a/b", "a:b", "x".repeat(129)}) {
      assertEquals(ErrorCode.TAG_INVALID,
          assertThrows(RegistryException.class, () -> Tag.parse(tag)).code(), tag);
    }
    assertTrue(Tag.isValid("x".repeat(128)));
  }

  @Test
  void digests() {
    Digest d = Digest.sha256("hello".getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        d.toString());
    assertEquals(d, Digest.parse(d.toString()));
    assertTrue(d.isVerifiable());
    Digest sha512 = Digest.of(Digest.SHA512, new byte[0]);
    assertEquals(128, sha512.encoded().length());
    assertTrue(Digest.parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8")
        .algorithm().equals("multihash+base58"), "unknown algorithms fitting the grammar parse");
    assertFalse(Digest.parse("md5:abc").isVerifiable());
    assertEquals("sha256-" + d.encoded(), d.fallbackTag());
    assertTrue(Digest.EMPTY_JSON.equals(Digest.sha256("{}".getBytes(StandardCharsets.UTF_8))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha256:totallywrong", "sha256:", ":abc", "sha256",
      "sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824",
      "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982",
      "sha512:abcd", "SHA256:abc", "sha256:abc def"})
  void invalidDigests(String digest) {
    assertEquals(ErrorCode.DIGEST_INVALID,
        assertThrows(RegistryException.class, () -> Digest.parse(digest)).code());
  }

  @Test
  void referencesAreTagsOrDigests() {
    assertInstanceOf(Tag.class, Reference.parse("latest"));
    assertInstanceOf(Digest.class, Reference.parse(Digest.EMPTY_JSON.toString()));
    assertEquals(ErrorCode.DIGEST_INVALID,
        assertThrows(RegistryException.class, () -> Reference.parse("a:b:c")).code());
  }

  @Test
  void contentRanges() {
    assertEquals(new ContentRange(0, 1023), ContentRange.parse("0-1023"));
    assertEquals(1024, ContentRange.parse("0-1023").length());
    assertEquals(new ContentRange(10, 19), ContentRange.parse("bytes 10-19/100"));
    for (String bad : new String[] {"", "1023", "-5", "a-b", "5-4"}) {
      assertEquals(ErrorCode.RANGE_INVALID,
          assertThrows(RegistryException.class, () -> ContentRange.parse(bad)).code(), bad);
    }
  }
}
