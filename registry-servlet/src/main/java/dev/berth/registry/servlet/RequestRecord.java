package dev.berth.registry.servlet;

import java.time.Instant;
import java.util.Optional;

/**
 * One finished request, as the access log and the metrics see it. It holds nothing a client sent
 * as a secret: no header, no query string, no upload session id.
 *
 * @param time when the request arrived
 * @param method the HTTP method
 * @param route the route's name ({@link Route#handlerName()}: {@code manifest}, {@code blob}, ...,
 *     {@code health}, or {@code unknown} for a path no route takes): a small fixed set
 * @param repository the repository named in the path, as sent (decoded, not validated)
 * @param reference the tag or digest the path names (a manifest, blob or subject), or the
 *     {@code digest} an upload declares
 * @param status the HTTP status answered
 * @param bytesIn body bytes read from the client
 * @param bytesOut body bytes written to the client
 * @param durationNanos from the request's arrival at the servlet to its answer's end
 * @param user who the access seam (or the container) said the caller is
 * @param remoteAddress the client's address, through trusted proxies ({@code http.trustedProxies})
 * @param proxy what the pull-through cache did for a request of a repository it covers
 *     ({@link dev.berth.registry.CacheOutcome#label()}: {@code hit}, {@code miss},
 *     {@code revalidated}, {@code stale}); empty for every other request
 */
public record RequestRecord(Instant time, String method, String route,
    Optional<String> repository, Optional<String> reference, int status, long bytesIn,
    long bytesOut, long durationNanos, Optional<String> user, String remoteAddress,
    Optional<String> proxy) {}
