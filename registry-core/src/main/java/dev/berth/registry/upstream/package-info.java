/**
 * The seam of the pull-through cache: {@link dev.berth.registry.upstream.Upstream} is the registry
 * a cache fetches from, free of any protocol type ({@code registry-proxy} implements it over the
 * OCI distribution API). Set one with {@code Registry.builder().upstream(...)}.
 */
package dev.berth.registry.upstream;
