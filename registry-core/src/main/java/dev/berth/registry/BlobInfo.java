package dev.berth.registry;

/** A blob as a repository sees it. */
public record BlobInfo(Digest digest, long size) {}
