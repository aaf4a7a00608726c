package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where a listing page stops being final (see {@link S3Listing#settledBound}). */
class ListingOrderTest {
  @Test
  void aKeyWithACharacterBelowSlashLeavesRoomForItsPrefixAsADirectory() {
    // After "v1-rc/", the directory "v1" (key "v1/") may still come; it sorts first as a name.
    assertEquals("v1", S3Listing.settledBound("v1-rc/"));
    assertEquals("a", S3Listing.settledBound("a.b-c"));
  }

  @Test
  void otherwiseEverythingUpToTheLastKeyIsFinal() {
    assertEquals("v1/", S3Listing.settledBound("v1/"));
    assertEquals("abc", S3Listing.settledBound("abc"));
    assertEquals("_u/", S3Listing.settledBound("_u/"));
  }
}
