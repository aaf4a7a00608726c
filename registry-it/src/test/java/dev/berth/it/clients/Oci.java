package dev.berth.it.clients;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Digests, JSON, tar layers, OCI image layouts and Berth's registry:2 storage layout, for assertions. */
final class Oci {
  private Oci() {}

  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  static final String EMPTY_DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  /** Every Accept value a manifest GET of ours may want. */
  static final String[] ACCEPT_ALL = {"Accept", OCI_MANIFEST, "Accept", OCI_INDEX, "Accept",
      DOCKER_MANIFEST, "Accept", "application/vnd.docker.distribution.manifest.list.v2+json"};

  static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  static JsonObject json(byte[] bytes) {
    return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(e -> out.add(e.getAsString()));
    }
    return out;
  }

  /** The {@code digest} of each descriptor in {@code manifest.layers}. */
  static List<String> layerDigests(JsonObject manifest) {
    List<String> out = new ArrayList<>();
    for (JsonElement l : manifest.getAsJsonArray("layers")) {
      out.add(l.getAsJsonObject().get("digest").getAsString());
    }
    return out;
  }

  static List<String> layerMediaTypes(JsonObject manifest) {
    List<String> out = new ArrayList<>();
    for (JsonElement l : manifest.getAsJsonArray("layers")) {
      out.add(l.getAsJsonObject().get("mediaType").getAsString());
    }
    return out;
  }

  static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tar entry: normalised name (no leading {@code ./} or {@code /}), type flag, mode, content. */
  record TarEntry(String name, char type, int mode, byte[] content) {}

  /**
   * The entries of an (uncompressed) tar stream, by name: ustar, with PAX {@code path} and GNU
   * long-name records, which is what umoci, buildah and Jib write.
   */
  static Map<String, TarEntry> untar(byte[] tar) {
    Map<String, TarEntry> entries = new LinkedHashMap<>();
    int at = 0;
    String longName = null;
    while (at + 512 <= tar.length) {
      if (isZero(tar, at)) {
        break;
      }
      String name = field(tar, at, 100);
      int mode = (int) octal(tar, at + 100, 8);
      long size = octal(tar, at + 124, 12);
      char type = (char) (tar[at + 156] == 0 ? '0' : tar[at + 156]);
      String magic = field(tar, at + 257, 6);
      if (magic.startsWith("ustar")) {
        String prefix = field(tar, at + 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      int data = at + 512;
      byte[] content = java.util.Arrays.copyOfRange(tar, data, (int) (data + size));
      at = data + (int) ((size + 511) / 512 * 512);
      if (type == 'x') {
        String path = paxPath(content);
        if (path != null) {
          longName = path;
        }
        continue;
      }
      if (type == 'g') {
        continue;
      }
      if (type == 'L') {
        longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      entries.put(normalise(name), new TarEntry(normalise(name), type, mode, content));
    }
    return entries;
  }

  private static String paxPath(byte[] records) {
    String text = new String(records, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("path=", space + 1)) {
        return line.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static String normalise(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    if (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n;
  }

  private static boolean isZero(byte[] b, int at) {
    for (int i = at; i < at + 512; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String field(byte[] b, int at, int len) {
    int end = at;
    while (end < at + len && b[end] != 0) {
      end++;
    }
    return new String(b, at, end - at, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int at, int len) {
    String s = field(b, at, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  /** An OCI image layout directory: its index, and blobs by digest. */
  record Layout(Path dir) {
    JsonObject index() {
      return json(read(dir.resolve("index.json")));
    }

    /** The digest of the manifest tagged {@code tag} ({@code org.opencontainers.image.ref.name}). */
    String manifestDigest(String tag) {
      for (JsonElement e : index().getAsJsonArray("manifests")) {
        JsonObject d = e.getAsJsonObject();
        JsonObject a = d.getAsJsonObject("annotations");
        if (a != null && a.has("org.opencontainers.image.ref.name")
            && a.get("org.opencontainers.image.ref.name").getAsString().equals(tag)) {
          return d.get("digest").getAsString();
        }
      }
      throw new AssertionError("no manifest tagged " + tag + " in " + index());
    }

    Path blobPath(String digest) {
      return dir.resolve("blobs").resolve(digest.substring(0, digest.indexOf(':')))
          .resolve(hex(digest));
    }

    byte[] blob(String digest) {
      return read(blobPath(digest));
    }

    /** Every blob file, by its file name as a digest. */
    Map<String, byte[]> blobs() {
      Map<String, byte[]> all = new LinkedHashMap<>();
      try (var algs = Files.list(dir.resolve("blobs"))) {
        for (Path alg : algs.sorted().toList()) {
          try (var files = Files.list(alg)) {
            for (Path f : files.sorted().toList()) {
              all.put(alg.getFileName() + ":" + f.getFileName(), read(f));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return all;
    }
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The registry:2 link that makes {@code digest} visible as a blob of {@code repository} in a
   * launcher's {@code --storage} directory (SPEC §6).
   */
  static Path layerLink(Path storage, String repository, String digest) {
    return storage.resolve("docker/registry/v2/repositories").resolve(repository)
        .resolve("_layers").resolve(digest.substring(0, digest.indexOf(':'))).resolve(hex(digest))
        .resolve("link");
  }
}
