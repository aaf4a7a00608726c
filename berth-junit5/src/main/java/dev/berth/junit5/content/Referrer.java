package dev.berth.junit5.content;

import java.util.Map;
import java.util.Optional;

/**
 * One entry of a subject's referrers, as the referrers API lists it.
 *
 * @param artifactType the referrer's artifact type (its config's media type when it has none)
 * @param annotations every annotation of the referrer
 */
public record Referrer(String digest, String mediaType, Optional<String> artifactType, long size,
    Map<String, String> annotations) {

  public Referrer {
    annotations = Map.copyOf(annotations);
  }
}
