package dev.berth.it.support;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Reads a registry's directory while no process writes it, in the registry:2 layout of SPEC §6
 * (paths written out here, not taken from the code under test): to hash every blob data file
 * against the digest its path names, and to say what is on disk when a check over HTTP fails.
 */
public final class StorageProbe {

  private final Path v2;

  public StorageProbe(Path root) {
    this.v2 = root.resolve("docker/registry/v2");
  }

  private Path repository(String repo) {
    return v2.resolve("repositories").resolve(repo);
  }

  private Path tagDirectory(String repo, String tag) {
    return repository(repo).resolve("_manifests/tags").resolve(tag);
  }

  private Path revisionLink(String repo, Digest d) {
    return repository(repo).resolve("_manifests/revisions/" + d.algorithm() + "/" + d.encoded()
        + "/link");
  }

  private Path blobData(Digest d) {
    return v2.resolve("blobs/" + d.algorithm() + "/" + d.encoded().substring(0, 2) + "/"
        + d.encoded() + "/data");
  }

  private Path referrersSubject(String repo, Digest subject) {
    return repository(repo).resolve("_referrers/subjects/" + subject.algorithm() + "/"
        + subject.encoded());
  }

  /** What {@code _manifests/tags/<tag>/current/link} names, if it is there. */
  public Optional<Digest> tagLink(String repo, String tag) {
    return read(tagDirectory(repo, tag).resolve("current/link"))
        .map(s -> Digest.tryParse(s.trim()));
  }

  /** Every tag whose {@code current/link} names {@code digest}. */
  public List<String> tagsNaming(String repo, Digest digest) {
    List<String> out = new ArrayList<>();
    for (String tag : children(repository(repo).resolve("_manifests/tags"))) {
      if (tagLink(repo, tag).filter(digest::equals).isPresent()) {
        out.add(tag);
      }
    }
    return out;
  }

  /** The state of a tag on disk, in one line. */
  public String describeTag(String repo, String tag) {
    Path dir = tagDirectory(repo, tag);
    if (!Files.isDirectory(dir)) {
      return "on disk: no tag folder " + v2.relativize(dir);
    }
    Optional<String> link = read(dir.resolve("current/link"));
    if (link.isEmpty()) {
      return "on disk: tag folder " + v2.relativize(dir) + " has no current/link; it holds "
          + files(dir);
    }
    Digest d = Digest.tryParse(link.get().trim());
    return "on disk: current/link names " + link.get().trim()
        + (d == null ? "" : "; " + describeManifest(repo, d));
  }

  /** Whether the revision link and the bytes of a manifest are on disk, in one line. */
  public String describeManifest(String repo, Digest d) {
    return "revision link " + (Files.exists(revisionLink(repo, d)) ? "present" : "MISSING")
        + ", blob data " + (Files.exists(blobData(d)) ? "present" : "missing")
        + ", tags naming it " + tagsNaming(repo, d);
  }

  /** The referrers-index state of one subject, in one line. */
  public String describeReferrers(String repo, Digest subject, Digest referrer) {
    Path dir = referrersSubject(repo, subject);
    Path entry = dir.resolve("entries/" + referrer.algorithm() + "-" + referrer.encoded());
    return "on disk: index entry " + (Files.exists(entry) ? "present" : "MISSING")
        + ", subject generation " + (Files.exists(dir.resolve("generation")) ? "present"
            : "MISSING") + ", entries " + children(dir.resolve("entries")).size()
        + "; referrer: " + describeManifest(repo, referrer);
  }

  /**
   * Hashes every {@code blobs/<alg>/<hh>/<hex>/data} file and calls {@code mismatch} with the path
   * and what was found for each one that is not where its digest says.
   *
   * @return how many files were hashed
   */
  public int verifyBlobFiles(BiConsumer<String, String> mismatch) {
    Path blobs = v2.resolve("blobs");
    if (!Files.isDirectory(blobs)) {
      return 0;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(blobs)) {
      files = walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      String relative = v2.relativize(file).toString();
      String[] parts = blobs.relativize(file).toString().split("/");
      if (parts.length != 4 || !parts[3].equals("data") || !parts[0].equals("sha256")
          || !parts[2].startsWith(parts[1]) || parts[1].length() != 2) {
        mismatch.accept(relative, "a file outside the blobs/<alg>/<hh>/<hex>/data layout");
        continue;
      }
      String actual = sha256(file);
      if (!actual.equals(parts[2])) {
        mismatch.accept(relative, "its bytes hash to sha256:" + actual);
      }
    }
    return files.size();
  }

  /**
   * Checks every {@code _layers/<alg>/<hex>/link} and {@code _manifests/revisions/<alg>/<hex>/link}
   * of every repository: it must name the digest its path says, and that blob's data must be
   * there. A link to a blob that is missing (or, with {@link #verifyBlobFiles}, only half there) is
   * what a failed write must never leave behind.
   *
   * @return how many links were checked
   */
  public int verifyLinks(BiConsumer<String, String> broken) {
    Path repositories = v2.resolve("repositories");
    if (!Files.isDirectory(repositories)) {
      return 0;
    }
    List<Path> links;
    try (Stream<Path> walk = Files.walk(repositories)) {
      links = walk.filter(p -> p.getFileName().toString().equals("link"))
          .filter(p -> p.toString().contains("/_layers/")
              || p.toString().contains("/_manifests/revisions/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path link : links) {
      String relative = v2.relativize(link).toString();
      Digest named = Digest.tryParse(read(link).orElse("").trim());
      String expected = link.getParent().getParent().getFileName() + ":"
          + link.getParent().getFileName();
      if (named == null || !named.toString().equals(expected)) {
        broken.accept(relative, "names " + read(link).orElse("(unreadable)") + ", not " + expected);
      } else if (!Files.isRegularFile(blobData(named))) {
        broken.accept(relative, "names " + named + ", whose blob data is missing");
      }
    }
    return links.size();
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file's text; empty when it is missing (or is a folder: a link never is). */
  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<String> children(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Everything under {@code dir}, folders with a trailing slash: a half-deleted tag shows here. */
  private List<String> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p) + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
    } catch (IOException e) {
      return List.of("(unreadable: " + e + ")");
    }
  }
}
