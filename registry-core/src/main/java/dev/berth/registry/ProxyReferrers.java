package dev.berth.registry;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.referrers.ReferrersPage;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.upstream.ProxyStats.Kind;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Referrers of a subject in a covered repository: the upstream's (kept with their fetch time in
 * {@link StoragePaths#proxyReferrers}, asked again once the repository's TTL has passed) merged
 * with those pushed here (the referrers index), one entry per digest, then filtered and paged
 * exactly as local referrers are: ascending digest order, keyset cursor. The upstream's list is
 * kept apart from the index so that a referrer removed upstream leaves the answer at the next
 * refresh while local ones stay. An upstream that cannot answer leaves the last list in use.
 */
final class ProxyReferrers {

  /** A subject's upstream referrers as last fetched. */
  private record Fetched(Instant at, List<Descriptor> referrers) {}

  private final ProxyCache cache;
  private final Storage storage;
  private final ReferrersIndex index;
  private final int pageSize;

  ProxyReferrers(ProxyCache cache, Storage storage, ReferrersIndex index, int pageSize) {
    this.cache = cache;
    this.storage = storage;
    this.index = index;
    this.pageSize = pageSize;
  }

  ReferrersPage list(RepositoryName repository, Digest subject, String artifactType,
      Digest after, int limit) {
    TreeMap<Digest, Descriptor> all = new TreeMap<>();
    for (Descriptor d : upstream(repository, subject)) {
      all.put(d.digest(), d);
    }
    Digest cursor = null;
    do {
      ReferrersPage page = index.list(repository, subject, null, cursor, pageSize);
      page.referrers().forEach(d -> all.put(d.digest(), d));
      cursor = page.next().orElse(null);
    } while (cursor != null);
    List<Descriptor> entries = new ArrayList<>(limit);
    boolean more = false;
    for (Descriptor d : (after == null ? all : all.tailMap(after, false)).values()) {
      if (artifactType != null && !artifactType.equals(d.artifactType())) {
        continue;
      }
      if (entries.size() == limit) {
        more = true;
        break;
      }
      entries.add(d);
    }
    return new ReferrersPage(entries, more
        ? Optional.of(entries.get(entries.size() - 1).digest()) : Optional.empty());
  }

  /**
   * Whether a referrer pushed here names {@code subject}: one in the index that the upstream's
   * last list does not hold (without a list, every indexed referrer counts as pushed here).
   */
  boolean hasLocal(RepositoryName repository, Digest subject) {
    java.util.Set<Digest> upstream = new java.util.HashSet<>();
    read(repository, subject).ifPresent(f -> f.referrers().forEach(d -> upstream.add(d.digest())));
    Digest cursor = null;
    do {
      ReferrersPage page = index.list(repository, subject, null, cursor, pageSize);
      if (page.referrers().stream().anyMatch(d -> !upstream.contains(d.digest()))) {
        return true;
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return false;
  }

  private List<Descriptor> upstream(RepositoryName repository, Digest subject) {
    Optional<Fetched> kept = read(repository, subject);
    Instant now = cache.clock.instant();
    if (kept.isPresent()
        && now.isBefore(kept.get().at().plus(cache.upstream.tagTtl(repository)))) {
      cache.counters.hit(Kind.REFERRERS);
      return kept.get().referrers();
    }
    try {
      List<Descriptor> fresh = cache.upstream.referrers(repository, subject);
      cache.counters.miss(Kind.REFERRERS);
      write(repository, subject, new Fetched(now, fresh));
      return fresh;
    } catch (UpstreamUnavailableException e) {
      cache.counters.unavailable(kept.isPresent());
      return kept.map(Fetched::referrers).orElse(List.of());
    }
  }

  private Optional<Fetched> read(RepositoryName repository, Digest subject) {
    String path = StoragePaths.proxyReferrers(repository, subject);
    try {
      JsonObject json = JsonParser.parseString(new String(storage.read(path),
          StandardCharsets.UTF_8)).getAsJsonObject();
      Instant at = Instant.parse(json.get("fetchedAt").getAsString());
      List<Descriptor> referrers = new ArrayList<>();
      JsonArray manifests = json.getAsJsonArray("manifests");
      for (JsonElement e : manifests) {
        referrers.add(DescriptorJson.read(e.getAsJsonObject(), path));
      }
      return Optional.of(new Fetched(at, referrers));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      // Derived data that does not read (a torn write, a format change): fetch it again.
      if (e instanceof RegistryException || e instanceof DateTimeException
          || e instanceof IllegalStateException || e instanceof ClassCastException
          || e instanceof NullPointerException || e instanceof com.google.gson.JsonParseException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void write(RepositoryName repository, Digest subject, Fetched fetched) {
    StringWriter text = new StringWriter();
    try (JsonWriter out = new JsonWriter(text)) {
      out.setHtmlSafe(false);
      out.beginObject();
      out.name("fetchedAt").value(fetched.at().toString());
      out.name("manifests").beginArray();
      for (Descriptor d : fetched.referrers()) {
        DescriptorJson.write(out, d);
      }
      out.endArray();
      out.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    storage.write(StoragePaths.proxyReferrers(repository, subject),
        text.toString().getBytes(StandardCharsets.UTF_8), false);
  }
}
