package dev.berth.registry;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Multi-object changes in flight, recorded in storage ({@code _berth/pending/<id>}) before their
 * first step and removed after their last, so that a start after a crash knows what to reconcile
 * ({@link Recovery}). Two kinds:
 *
 * <ul>
 *   <li>{@code manifest}: a manifest with a subject is being put or deleted; its referrers-index
 *       entry must end up present exactly when its revision is.
 *   <li>{@code tag}: a tag is being created or removed; a tag folder without its current link must
 *       go, and the repository's tags generation must change.
 * </ul>
 *
 * <p>Reconciling is idempotent and reads the primary data (revision and tag links) each time, so
 * it is safe to run while the change is still in flight on another instance.
 */
final class PendingChanges {

  /** One recorded change; {@code manifest} or {@code tag} is set, by kind. */
  record Change(String id, RepositoryName repository, Digest manifest, Tag tag) {}

  private final Storage storage;

  PendingChanges(Storage storage) {
    this.storage = storage;
  }

  String beginManifest(RepositoryName repository, Digest manifest) {
    JsonObject json = new JsonObject();
    json.addProperty("kind", "manifest");
    json.addProperty("repository", repository.value());
    json.addProperty("manifest", manifest.toString());
    return begin(json);
  }

  String beginTag(RepositoryName repository, Tag tag) {
    JsonObject json = new JsonObject();
    json.addProperty("kind", "tag");
    json.addProperty("repository", repository.value());
    json.addProperty("tag", tag.value());
    return begin(json);
  }

  private String begin(JsonObject json) {
    String id = UUID.randomUUID().toString();
    // Unflushed: a killed process loses nothing the kernel accepted; after a power loss the start
    // rebuilds all derived data anyway (Storage.lostUnflushedWrites).
    storage.write(StoragePaths.pending(id), json.toString().getBytes(StandardCharsets.UTF_8),
        false);
    return id;
  }

  /** Drops the record; one request on S3 (discard: whether it was there is known already). */
  void end(String id) {
    storage.discard(StoragePaths.pending(id));
  }

  /** The changes recorded now; unreadable records are returned with nothing set, to be dropped. */
  List<Change> list() {
    List<Change> changes = new ArrayList<>();
    for (String id : storage.list(StoragePaths.pendingDirectory())) {
      try {
        JsonObject json = JsonParser.parseString(new String(storage.read(StoragePaths.pending(id)),
            StandardCharsets.UTF_8)).getAsJsonObject();
        RepositoryName repository = RepositoryName.parse(json.get("repository").getAsString());
        changes.add(switch (json.get("kind").getAsString()) {
          case "manifest" -> new Change(id, repository,
              Digest.parse(json.get("manifest").getAsString()), null);
          case "tag" -> new Change(id, repository, null, Tag.parse(json.get("tag").getAsString()));
          default -> new Change(id, null, null, null);
        });
      } catch (ObjectNotFoundException doneMeanwhile) {
        // Its change finished since the listing.
      } catch (JsonParseException | IllegalStateException | NullPointerException
          | UnsupportedOperationException | dev.berth.registry.oci.RegistryException e) {
        changes.add(new Change(id, null, null, null));
      }
    }
    return changes;
  }
}
