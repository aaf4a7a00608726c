package dev.berth.registry.s3;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * S3Proxy in this JVM on its in-memory ("transient-nio2") backend, or on disk, with SigV4
 * authentication.
 */
final class S3ProxyServer implements AutoCloseable {
  static final String ACCESS_KEY = "berth-access";
  static final String SECRET_KEY = "berth-secret";
  static final String BUCKET = "berth";

  private final S3Proxy proxy;
  private final S3Server server;

  private S3ProxyServer(S3Proxy proxy, S3Server server) {
    this.proxy = proxy;
    this.server = server;
  }

  static S3ProxyServer start() throws Exception {
    return start(BlobStores.create("transient-nio2", new Properties()));
  }

  /** On S3Proxy's file-system backend under {@code dir}: for objects too large for the heap. */
  static S3ProxyServer startOnDisk(java.nio.file.Path dir) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    return start(BlobStores.create("filesystem-nio2", properties));
  }

  private static S3ProxyServer start(BlobStore store) throws Exception {
    store.createContainer(BUCKET);
    S3Proxy proxy = S3Proxy.builder().blobStore(store)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    return new S3ProxyServer(proxy, new S3Server("S3Proxy", endpoint, ACCESS_KEY, SECRET_KEY,
        BUCKET, S3Config.DEFAULT_REGION));
  }

  S3Server server() {
    return server;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("stopping S3Proxy", e);
    }
  }
}
