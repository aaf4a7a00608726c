package dev.berth.registry.access;

import dev.berth.registry.oci.RepositoryName;
import java.util.Optional;

/**
 * One question to the {@link AccessController}: may {@code caller} do {@code action} on
 * {@code repository} (absent for registry-wide actions: the API root and the catalog)?
 */
public record AccessRequest(Caller caller, Optional<RepositoryName> repository, Action action) {}
