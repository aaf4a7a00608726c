package dev.berth.registry.servlet.config;

import static dev.berth.registry.servlet.config.SettingKey.of;
import static dev.berth.registry.servlet.config.SettingKey.pending;
import static dev.berth.registry.servlet.config.ValueType.ADDRESS;
import static dev.berth.registry.servlet.config.ValueType.BOOLEAN;
import static dev.berth.registry.servlet.config.ValueType.DIRECTORY;
import static dev.berth.registry.servlet.config.ValueType.DURATION;
import static dev.berth.registry.servlet.config.ValueType.FILE;
import static dev.berth.registry.servlet.config.ValueType.HOST;
import static dev.berth.registry.servlet.config.ValueType.INTEGER;
import static dev.berth.registry.servlet.config.ValueType.LEVEL;
import static dev.berth.registry.servlet.config.ValueType.LIST;
import static dev.berth.registry.servlet.config.ValueType.OBJECTS;
import static dev.berth.registry.servlet.config.ValueType.PORT;
import static dev.berth.registry.servlet.config.ValueType.PREFIX;
import static dev.berth.registry.servlet.config.ValueType.SECRET;
import static dev.berth.registry.servlet.config.ValueType.SIZE;
import static dev.berth.registry.servlet.config.ValueType.TEXT;
import static dev.berth.registry.servlet.config.ValueType.URL;
import static dev.berth.registry.servlet.config.ValueType.URL_WITH_PATH;

import java.util.List;

/**
 * Every setting of a Berth registry, in the order {@code --help} and the README list them: its
 * key, flag, default, type, scope and meaning. The launcher's flags, YAML keys and environment
 * variables, a {@code web.xml}'s init params and the README's table all come from here.
 *
 * <p>A feature adds its settings to {@link #KEYS}; until it lands, the keys it will read are listed
 * in {@link #PENDING}, so that a configuration naming them is told they are not supported yet
 * instead of being refused as unknown (docs/operations.md, "Adding a setting").
 */
final class SettingTable {
  private SettingTable() {}

  private static final SettingKey.Scope S = SettingKey.Scope.SERVLET;
  private static final SettingKey.Scope L = SettingKey.Scope.LAUNCHER;

  static final List<SettingKey> KEYS = List.of(
      of("http.host", "--host", "0.0.0.0", HOST, L,
          "address to listen on; 0.0.0.0 or empty: every interface, IPv4 and IPv6"),
      of("http.port", "--port", "5000", PORT, L,
          "port to listen on; 0 picks a free one (printed)"),
      of("http.prefix", "--prefix", "", PREFIX, L,
          "URL path the registry is served under (/registry); its URLs include it"),
      of("http.externalUrl", "--external-url", "", URL, S,
          "scheme, host and port clients reach the registry at (https://registry.example.com),"
              + " for absolute Location URLs; from each request when empty"),
      of("http.relativeUrls", "--relative-urls", "false", BOOLEAN, S,
          "send Location headers as paths instead of absolute URLs"),
      of("http.trustedProxies", "--trusted-proxies", "", LIST, S,
          "comma-separated addresses or CIDR ranges whose Forwarded / X-Forwarded-* headers are"
              + " honoured; none when empty"),
      of("http.tls.certificate", "--tls-certificate", "", FILE, L,
          "PEM certificate (chain) to serve HTTPS with; needs http.tls.key"),
      of("http.tls.key", "--tls-key", "", FILE, L,
          "PEM private key of the certificate (PKCS#8, or PKCS#1 RSA), unencrypted"),
      of("http.tls.clientCas", "--tls-client-cas", "", LIST, L,
          "comma-separated PEM files of CAs: every HTTPS client must present a certificate one"
              + " of them issued; its subject CN is the user for the policy"),
      of("http.tls.http2", "--tls-http2", "true", BOOLEAN, L,
          "offer HTTP/2 over TLS (ALPN h2) beside HTTP/1.1"),
      of("http.idleTimeout", "--idle-timeout", "30s", DURATION, L,
          "close a connection that sends nothing for this long (headers or body)").atLeast(1),
      of("http.shutdownTimeout", "--shutdown-timeout", "10s", DURATION, L,
          "on SIGTERM, how long requests in flight may take to finish before Berth exits"),
      of("http.minUploadRate", "--min-upload-rate", "1024", INTEGER, S,
          "bytes per second below which a request body is cut off (408) once the grace period"
              + " has passed; 0 never").atLeast(0),
      of("http.uploadRateGrace", "--upload-rate-grace", "30s", DURATION, S,
          "how long a request body may arrive slower than the minimum rate"),
      of("storage.path", "--storage", "./data", DIRECTORY, S,
          "registry:2-layout directory, or 'memory' for a heap registry"),
      of("storage.fsync", "--storage-fsync", "true", BOOLEAN, S,
          "flush every acknowledged write to the disk (survives power loss)"),
      of("storage.s3.bucket", "--s3-bucket", "", TEXT, S,
          "store in this S3 bucket (which must exist) instead of storage.path; needs registry-s3"
              + " on the class path (berth.jar has it)"),
      of("storage.s3.endpoint", "--s3-endpoint", "", URL, S,
          "the S3 store's URL (http://127.0.0.1:7480 for a Ceph gateway); AWS S3 when empty"),
      of("storage.s3.region", "--s3-region", "us-east-1", TEXT, S,
          "the signing region; stores other than AWS accept us-east-1"),
      of("storage.s3.rootPrefix", "--s3-root-prefix", "", TEXT, S,
          "key prefix everything goes under (registry:2's rootdirectory); the whole bucket when"
              + " empty"),
      of("storage.s3.accessKey", "--s3-access-key", "", TEXT, S,
          "access key id; with secretKey, or neither for the AWS SDK's default credentials chain"
              + " (environment, profile, instance role)"),
      of("storage.s3.secretKey", "--s3-secret-key", "", SECRET, S,
          "secret access key (never printed; prefer BERTH_STORAGE_S3_SECRET_KEY to the flag)"),
      of("storage.s3.pathStyle", "--s3-path-style", "true", BOOLEAN, S,
          "http://host/bucket/key rather than http://bucket.host/key"),
      of("storage.s3.partSize", "--s3-part-size", "10485760", INTEGER, S,
          "bytes per multipart part, buffered per open upload (5 MiB to 1 GiB)")
          .atLeast(5L * 1024 * 1024),
      of("storage.s3.checksums", "--s3-checksums", "whenRequired", TEXT, S,
          "whenRequired or whenSupported: when the client adds and checks CRC checksums (many"
              + " S3-compatible stores refuse them on every write)"),
      of("storage.s3.conditionalWrites", "--s3-conditional-writes", "true", BOOLEAN, S,
          "create with If-None-Match: * where the store supports it (probed at start); false:"
              + " never"),
      of("storage.s3.redirect", "--s3-redirect", "false", BOOLEAN, S,
          "answer blob GETs with 307 to a presigned URL of the object, so that the bytes go from"
              + " the store to the client (who must reach storage.s3.endpoint)"),
      of("storage.s3.redirectExpiry", "--s3-redirect-expiry", "20m", DURATION, S,
          "how long a redirect's presigned URL stays valid (1s to 7d)").atLeast(1),
      of("storage.readOnly", "--read-only", "false", BOOLEAN, S,
          "serve reads only: writes get 405, GC and upload purging pause (distribution's"
              + " maintenance read-only mode)"),
      of("deletes.enabled", "--deletes-enabled", "true", BOOLEAN, S,
          "allow DELETE of manifests, tags and blobs (else 405 UNSUPPORTED)"),
      of("deletes.referrersWithSubject", "--delete-referrers-with-subject", "false", BOOLEAN, S,
          "deleting a manifest also deletes its untagged referrers, recursively"),
      of("manifests.maxBytes", "--max-manifest-bytes", "4194304", INTEGER, S,
          "largest manifest accepted (413 above)").atLeast(1024),
      of("listing.maxPageSize", "--max-page-size", "1000", INTEGER, S,
          "most entries in one page of tags, repositories or referrers").atLeast(1),
      of("listing.catalogPageSize", "--catalog-page-size", "100", INTEGER, S,
          "catalog entries when the client gives no n").atLeast(1),
      of("listing.referrersPageSize", "--referrers-page-size", "100", INTEGER, S,
          "referrers entries when the client gives no n").atLeast(1),
      of("uploads.maxAge", "--upload-max-age", "168h", DURATION, S,
          "upload sessions older than this are purged").atLeast(1),
      of("uploads.purgeInterval", "--upload-purge-interval", "1h", DURATION, S,
          "how often expired upload sessions are purged; 0s never (nor at start)"),
      of("uploads.purgeDryRun", "--upload-purge-dry-run", "false", BOOLEAN, S,
          "only report expired upload sessions, never delete them"),
      of("gc.interval", "--gc-interval", "0s", DURATION, S,
          "run garbage collection this often while serving; 0s never"),
      of("gc.gracePeriod", "--gc-grace-period", "1h", DURATION, S,
          "never collect what was written within this period"),
      of("gc.deleteUntagged", "--gc-delete-untagged", "false", BOOLEAN, S,
          "collect untagged manifests that nothing references"),
      of("http.debug.address", "--debug-address", "", ADDRESS, L,
          "the management port (distribution's debug server), host:port or :port: /livez,"
              + " /readyz, PUT /readonly and the metrics; none when empty"),
      of("http.debug.prometheus.enabled", "--metrics", "true", BOOLEAN, L,
          "serve Prometheus metrics on the management port"),
      of("http.debug.prometheus.path", "--metrics-path", "/metrics", PREFIX, L,
          "path of the metrics on the management port"),
      of("health.storage.enabled", "--health-storage", "true", BOOLEAN, S,
          "/readyz probes the storage (write, read, delete under _berth/health/); else always"
              + " ready"),
      of("health.storage.interval", "--health-storage-interval", "1s", DURATION, S,
          "how long a storage probe's result is kept, so probes cost one round trip per"
              + " interval"),
      of("health.storage.threshold", "--health-storage-threshold", "1", INTEGER, S,
          "failed probes in a row before /readyz answers 503").atLeast(1),
      of("proxy.remoteUrl", "--proxy-remote-url", "", URL, L,
          "serve every repository as a pull-through cache of this registry (registry:2's"
              + " proxy.remoteurl); none when empty"),
      of("proxy.username", "--proxy-username", "", TEXT, L,
          "user name for proxy.remoteUrl (Basic, or its token flow); anonymous when empty"),
      of("proxy.password", "--proxy-password", "", SECRET, L,
          "password for proxy.remoteUrl; never printed"),
      of("proxy.ttl", "--proxy-ttl", "24h", DURATION, L,
          "how long a cached tag or referrers list of proxy.remoteUrl is served before it is"
              + " checked upstream again"),
      of("proxy.upstreams", "--proxy-upstreams", "", OBJECTS, L,
          "instead of proxy.remoteUrl: upstreams, a list of {url, prefix, username, password,"
              + " ca, ttl} (JSON on the command line); see docs/proxy.md"),
      of("proxy.acceptPushes", "--proxy-accept-pushes", "false", BOOLEAN, L,
          "let proxied repositories take every push, not only manifests with a subject"),
      of("proxy.maxAge", "--proxy-max-age", "0s", DURATION, L,
          "evict cached tags not pulled for this long (before each gc.interval run); 0s never"),
      of("proxy.maxBytes", "--proxy-max-bytes", "0", SIZE, L,
          "evict least recently pulled cached tags above this size (e.g. 50GiB); 0 never")
          .atLeast(0),
      of("auth.htpasswd.path", "--htpasswd", "", FILE, L,
          "htpasswd file of bcrypt hashes (htpasswd -B): HTTP Basic for its users, re-read when"
              + " it changes; anonymous callers may do nothing unless the policy says"),
      of("auth.htpasswd.realm", "--htpasswd-realm", "Berth", TEXT, L,
          "realm of the Basic challenge"),
      of("auth.token.realm", "--token-realm", "", URL_WITH_PATH, L,
          "URL of an external token server, sent in Bearer challenges (with service, issuer and"
              + " rootcertbundle or jwks: token authentication as distribution does it)"),
      of("auth.token.service", "--token-service", "", TEXT, L,
          "the audience (aud) tokens must name"),
      of("auth.token.issuer", "--token-issuer", "", TEXT, L,
          "the issuer (iss) tokens must name"),
      of("auth.token.rootcertbundle", "--token-root-cert-bundle", "", FILE, L,
          "PEM certificates whose keys may sign tokens (directly, x5c chains or kid)"),
      of("auth.token.jwks", "--token-jwks", "", FILE, L,
          "JWKS file of public keys that may sign tokens"),
      of("auth.tokenServer.enabled", "--token-server", "false", BOOLEAN, L,
          "serve Berth's own token server for the users of auth.htpasswd.path: clients log in"
              + " there and send Bearer tokens"),
      of("auth.tokenServer.service", "--token-server-service", "berth", TEXT, L,
          "the audience (service) of the tokens it issues"),
      of("auth.tokenServer.issuer", "--token-server-issuer", "berth", TEXT, L,
          "the issuer (iss) of its tokens"),
      of("auth.tokenServer.key", "--token-server-key", "", FILE, L,
          "its ES256 signing key (PEM), created (0600) at first start when absent; empty: a new"
              + " key per process, so tokens die with it"),
      of("auth.tokenServer.path", "--token-server-path", "/auth/token", PREFIX, L,
          "where it is served, outside /v2/"),
      of("auth.tokenServer.realm", "--token-server-realm", "", URL_WITH_PATH, L,
          "the absolute URL clients fetch tokens from, when it is not the path on the origin"
              + " they used (a proxy that rewrites paths)"),
      of("auth.tokenServer.lifetime", "--token-lifetime", "5m", DURATION, L,
          "how long its tokens are valid").atLeast(1000),
      of("auth.policy", "--auth-policy", "", FILE, L,
          "zot-style access policy (YAML, re-read when it changes); without one authenticated"
              + " users may do everything and anonymous callers nothing"),
      of("auth.anonymousPull", "--anonymous-pull", "false", BOOLEAN, L,
          "anyone may pull (and list) every repository; pushing and deleting still need a user"
              + " (htpasswd or the token server)"),
      of("notifications.endpoints", "--webhook-endpoints", "", OBJECTS, L,
          "webhook receivers: a list of {name, url, headers, timeout, threshold, backoff,"
              + " ignoredmediatypes, ignore: {mediatypes, actions}, disabled, format} (JSON on"
              + " the command line); see docs/operations.md"),
      of("log.level", "--log-level", "info", LEVEL, L,
          "error, warn, info or debug (Jetty's own messages one level quieter)"),
      of("log.accessLog.enabled", "--access-log", "true", BOOLEAN, L,
          "one JSON line per request on standard output (logger berth.access)"));

  /**
   * Keys of features that land later, accepted and named at start. Serving with one set is refused
   * where ignoring it would serve other data or fewer protections than configured, and warned
   * about otherwise. A feature that lands moves its keys to {@link #KEYS}.
   */
  static final List<SettingKey> PENDING = List.of(
      pending("http.tls.letsEncrypt.*", "certificates from Let's Encrypt", true),
      pending("http.tls.minimumTls", "a minimum TLS version (Jetty's default allows 1.2+)",
          false),
      pending("http.tls.cipherSuites", "chosen TLS cipher suites (Jetty's defaults apply)",
          false));
}
