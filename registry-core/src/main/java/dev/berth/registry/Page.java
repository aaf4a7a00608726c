package dev.berth.registry;

import java.util.List;
import java.util.Optional;

/**
 * One page of a lexically ordered listing (tags, repositories).
 *
 * @param items the entries of this page
 * @param next the value to pass as {@code last} for the following page, while more remain
 */
public record Page(List<String> items, Optional<String> next) {
  public Page {
    items = List.copyOf(items);
  }
}
