package dev.berth.registry;


import dev.berth.registry.oci.RepositoryName;
/** An upload session: its id and how many bytes it holds. */
public record UploadStatus(RepositoryName repository, String id, long size) {}
