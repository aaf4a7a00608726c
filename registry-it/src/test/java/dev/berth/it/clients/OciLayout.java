package dev.berth.it.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A one-layer image in an OCI image layout on disk, written here so that skopeo, podman and
 * buildah can copy it ({@code oci:DIR:TAG}) without a base image or a build: the layer is a
 * gzipped tar of one file, {@code /hello.txt}.
 */
final class OciLayout {
  private OciLayout() {}

  static Path write(Path dir, String tag, String hello) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    byte[] layer = gzip(tar("hello.txt", hello.getBytes(StandardCharsets.UTF_8)));
    String layerDigest = Oci.sha256(layer);
    String diffId = Oci.sha256(tar("hello.txt", hello.getBytes(StandardCharsets.UTF_8)));
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + Oci.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + Oci.OCI_CONFIG + "\",\"digest\":\""
        + Oci.sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\""
        + Oci.OCI_LAYER_GZIP + "\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length
        + "}]}").getBytes(StandardCharsets.UTF_8);
    for (byte[] blob : new byte[][] {layer, config, manifest}) {
      Files.write(blobs.resolve(Oci.hex(Oci.sha256(blob))), blob);
    }
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{"
        + "\"mediaType\":\"" + Oci.OCI_MANIFEST + "\",\"digest\":\"" + Oci.sha256(manifest)
        + "\",\"size\":" + manifest.length + ",\"annotations\":{"
        + "\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    return dir;
  }

  /** A ustar archive of one regular file. */
  private static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    int padded = (content.length + 511) / 512 * 512;
    byte[] out = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, out, 0, 512);
    System.arraycopy(content, 0, out, 512, content.length);
    return out;
  }

  private static void put(byte[] b, int at, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, b, at, bytes.length);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
