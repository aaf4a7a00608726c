package dev.berth.registry.referrers;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** A {@link ReferrersIndex} in the heap, for registries whose storage is in the heap too. */
public final class InMemoryReferrersIndex implements ReferrersIndex {

  private final Map<RepositoryName, Map<Digest, SubjectReferrers>> repositories =
      new ConcurrentHashMap<>();

  @Override
  public void add(RepositoryName repository, Digest subject, Descriptor referrer) {
    repositories.computeIfAbsent(repository, r -> new ConcurrentHashMap<>())
        .compute(subject, (s, refs) -> {
          SubjectReferrers target = refs == null ? new SubjectReferrers() : refs;
          target.put(referrer);
          return target;
        });
  }

  @Override
  public void remove(RepositoryName repository, Digest subject, Digest referrer) {
    Map<Digest, SubjectReferrers> subjects = repositories.get(repository);
    if (subjects == null) {
      return;
    }
    subjects.computeIfPresent(subject, (s, refs) -> {
      refs.remove(referrer);
      return refs.isEmpty() ? null : refs;
    });
  }

  @Override
  public ReferrersPage list(RepositoryName repository, Digest subject, String artifactType,
      Digest after, int limit) {
    Map<Digest, SubjectReferrers> subjects = repositories.get(repository);
    SubjectReferrers refs = subjects == null ? null : subjects.get(subject);
    return refs == null ? ReferrersPage.empty() : refs.page(artifactType, after, limit);
  }

  @Override
  public void forEach(RepositoryName repository, BiConsumer<Digest, Digest> visitor) {
    Map<Digest, SubjectReferrers> subjects = repositories.get(repository);
    if (subjects == null) {
      return;
    }
    subjects.forEach((subject, refs) -> refs.entries().forEach(d -> visitor.accept(subject, d.digest())));
  }

  @Override
  public void clear(RepositoryName repository) {
    repositories.remove(repository);
  }
}
