package dev.berth.registry.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One question to the {@link AccessController}: may {@code caller} do all of {@code needs}? A
 * request asks for everything it needs at once, so that a refusal's challenge can name it all and
 * the client's next token covers the whole request (distribution's access records).
 *
 * @param caller who is asking
 * @param needs what the request cannot do without; empty for the API root ({@code /v2/}), which
 *     only asks that the caller be someone the registry lets in
 * @param optional what the request uses when it is allowed and does without otherwise: the source
 *     of a cross-repository mount (without it the mount becomes an ordinary upload session). A
 *     challenge lists it, a missing one never refuses the request
 */
public record AccessRequest(Caller caller, List<Access> needs, List<Access> optional) {

  public AccessRequest {
    Objects.requireNonNull(caller, "caller");
    needs = List.copyOf(needs);
    optional = List.copyOf(optional);
  }

  /** A request with nothing optional. */
  public static AccessRequest of(Caller caller, List<Access> needs) {
    return new AccessRequest(caller, needs, List.of());
  }

  /** Everything asked, needs first: what a challenge's {@code scope} lists. */
  public List<Access> all() {
    List<Access> all = new ArrayList<>(needs);
    all.addAll(optional);
    return all;
  }
}
