package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.s3.S3Config;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings from the defaults, a file (Berth's or distribution's), the environment and flags. */
class ConfigurationTest {

  @TempDir
  Path work;

  Configuration load(Map<String, String> env, String... args) throws Exception {
    return Configuration.load(Cli.parse(args), env);
  }

  Path file(String name, String... lines) throws IOException {
    return Files.writeString(work.resolve(name), String.join("\n", lines) + "\n");
  }

  static List<String> problems(Configuration c) {
    return c.problems.stream().map(Settings.Problem::toString).toList();
  }

  @Test
  void precedenceIsDefaultsFileEnvironmentFlags() throws Exception {
    Path berth = file("berth.yml", "http:", "  port: 6000");
    assertEquals("5000", load(Map.of()).settings.get("http.port"));
    Configuration fromFile = load(Map.of(), "--config", berth.toString());
    assertEquals("6000", fromFile.settings.get("http.port"));
    assertEquals(berth + ": http.port", fromFile.settings.source("http.port"));

    Configuration distributionVariable = load(Map.of("REGISTRY_HTTP_ADDR", "127.0.0.2:6002"),
        berth.toString());
    assertEquals("6002", distributionVariable.settings.get("http.port"));
    assertEquals("127.0.0.2", distributionVariable.settings.get("http.host"));
    assertEquals("REGISTRY_HTTP_ADDR", distributionVariable.settings.source("http.port"));

    Map<String, String> both = Map.of("REGISTRY_HTTP_ADDR", ":6002", "BERTH_HTTP_PORT", "6001");
    Configuration berthVariable = load(both, berth.toString());
    assertEquals("6001", berthVariable.settings.get("http.port"));
    assertEquals("BERTH_HTTP_PORT", berthVariable.settings.source("http.port"));

    Configuration flag = load(both, berth.toString(), "--port=6003");
    assertEquals("6003", flag.settings.get("http.port"));
    assertEquals("--port", flag.settings.source("http.port"));
    assertEquals(List.of(), problems(flag));
  }

  @Test
  void camelCaseKeysAreUpperSnakeVariables() throws Exception {
    Configuration c = load(Map.of("BERTH_HTTP_MIN_UPLOAD_RATE", "0", "BERTH_STORAGE_READ_ONLY",
        "true", "BERTH_STORAGE_PATH", "memory"));
    assertEquals("0", c.settings.get("http.minUploadRate"));
    assertTrue(c.settings.bool("storage.readOnly"));
    assertEquals("memory", c.settings.get("storage.path"));
    assertEquals(List.of(), c.warnings);
  }

  @Test
  void debianPackageConfiguration() throws Exception {
    Path debian = work.resolve("config.yml");
    try (InputStream in = getClass().getResourceAsStream("/distribution/debian-config.yml")) {
      Files.copy(in, debian);
    }
    Configuration c = load(Map.of(), "serve", debian.toString());
    Settings s = c.settings;
    assertEquals(List.of(), problems(c));
    // Debian's file points htpasswd at a folder: the start check refuses it (AuthStartTest).
    assertEquals("/etc/docker/registry", s.get("auth.htpasswd.path"));
    assertEquals("basic-realm", s.get("auth.htpasswd.realm"));
    assertEquals("/var/lib/docker-registry", s.get("storage.path"));
    assertEquals("true", s.get("deletes.enabled"));
    assertEquals("", s.get("http.host"), "':5000' is every interface");
    assertEquals("5000", s.get("http.port"));
    assertEquals("24h", s.get("uploads.purgeInterval"), "distribution purges every 24h");
    assertEquals("168h", s.get("uploads.maxAge"));
    assertEquals(List.of(
        debian + ": ignored, Berth has no equivalent: http.headers.X-Content-Type-Options,"
            + " log.fields.service, storage.cache.blobdescriptor (--strict makes this an error)"),
        c.warnings);
    assertEquals("true", s.get("health.storage.enabled"));
    assertEquals("10s", s.get("health.storage.interval"));
    assertEquals("3", s.get("health.storage.threshold"));

    Configuration strict = load(Map.of(), "serve", debian.toString(), "--strict");
    assertEquals(List.of("--strict (from the command line): " + debian + ": ignored, Berth has no"
        + " equivalent: http.headers.X-Content-Type-Options, log.fields.service,"
        + " storage.cache.blobdescriptor"), problems(strict));
  }

  @Test
  void everyMappedDistributionKey() throws Exception {
    Path config = file("config.yml",
        "version: 0.1",
        "log: {level: debug, accesslog: {disabled: true}}",
        "storage:",
        "  filesystem: {rootdirectory: /srv/registry}",
        "  delete: {enabled: true}",
        "  maintenance:",
        "    uploadpurging: {enabled: false, age: 2h30m, interval: 1h, dryrun: true}",
        "    readonly: {enabled: true}",
        "http:",
        "  addr: '[::1]:5443'",
        "  net: tcp",
        "  host: https://registry.example.com/",
        "  prefix: /registry/",
        "  relativeurls: false",
        "  draintimeout: 1.5s",
        "  secret: s3cr3t",
        "  tls: {certificate: /etc/tls/cert.pem, key: /etc/tls/key.pem}",
        "  debug: {addr: ':5001', prometheus: {enabled: true, path: /metrics}}",
        "notifications:",
        "  endpoints:",
        "    - {name: hook, url: 'http://hook.example/events', timeout: 1s}",
        "proxy_is_not_a_key: 1");
    Configuration c = load(Map.of(), config.toString());
    Settings s = c.settings;
    assertEquals("debug", s.get("log.level"));
    assertEquals("/srv/registry", s.get("storage.path"));
    assertEquals("true", s.get("deletes.enabled"));
    assertEquals("0s", s.get("uploads.purgeInterval"), "enabled: false wins over interval");
    assertEquals("150m", s.get("uploads.maxAge"));
    assertEquals("true", s.get("uploads.purgeDryRun"));
    assertEquals("true", s.get("storage.readOnly"));
    assertEquals("::1", s.get("http.host"));
    assertEquals("5443", s.get("http.port"));
    assertEquals("https://registry.example.com", s.get("http.externalUrl"));
    assertEquals("/registry/", s.get("http.prefix"));
    assertEquals("1500ms", s.get("http.shutdownTimeout"));
    assertEquals("/etc/tls/cert.pem", s.get("http.tls.certificate"));
    assertEquals("/etc/tls/key.pem", s.get("http.tls.key"));
    assertEquals("[{\"name\":\"hook\",\"url\":\"http://hook.example/events\",\"timeout\":\"1s\"}]",
        s.get("notifications.endpoints"));
    assertEquals(":5001", s.get("http.debug.address"));
    assertEquals("true", s.get("http.debug.prometheus.enabled"));
    assertEquals("/metrics", s.get("http.debug.prometheus.path"));
    assertEquals("false", s.get("log.accessLog.enabled"), "accesslog: {disabled: true}");
    assertTrue(c.warnings.get(0).endsWith("ignored, Berth has no equivalent: http.secret,"
        + " proxy_is_not_a_key (--strict makes this an error)"), c.warnings::toString);
    assertEquals(List.of(), problems(c));
  }

  /** The settings table and the S3 module each hold the part size's default: one value. */
  @Test
  void thePartSizeDefaultIsTheS3ModulesDefault() {
    assertEquals(String.valueOf(S3Config.DEFAULT_PART_SIZE),
        new Settings().get("storage.s3.partSize"));
  }

  /** distribution's s3 driver parameters, as a registry:2 user writes them, onto storage.s3.*. */
  @Test
  void distributionsS3KeysAreTranslated() throws Exception {
    Path s3 = file("s3.yml", "version: 0.1", "storage:", "  s3:", "    accesskey: AKIA1",
        "    secretkey: s3cret", "    region: eu-west-1", "    regionendpoint: ceph.lan:7480",
        "    secure: false", "    bucket: images", "    rootdirectory: /registry/prod/",
        "    forcepathstyle: TRUE", "    chunksize: 20971520", "    encrypt: false");
    Configuration c = load(Map.of(), s3.toString());
    assertEquals(List.of(), problems(c));
    Settings s = c.settings;
    assertTrue(s.s3());
    assertEquals("http://ceph.lan:7480", s.get("storage.s3.endpoint"));
    assertEquals("AKIA1", s.get("storage.s3.accessKey"));
    assertEquals("s3cret", s.get("storage.s3.secretKey"));
    assertEquals("eu-west-1", s.get("storage.s3.region"));
    assertEquals("images", s.get("storage.s3.bucket"));
    assertEquals("/registry/prod/", s.get("storage.s3.rootPrefix"));
    assertEquals("true", s.get("storage.s3.pathStyle"));
    assertEquals("20971520", s.get("storage.s3.partSize"));
    assertEquals(s3 + ": storage.s3.regionendpoint", s.source("storage.s3.endpoint"));
    assertTrue(c.warnings.get(0).contains("storage.s3.encrypt"), c.warnings::toString);
    assertFalse(String.join("\n", s.changed(k -> true)).contains("s3cret"));

    Path secure = file("secure.yml", "version: 0.1", "storage:",
        "  s3: {bucket: images, regionendpoint: 's3.example.com'}");
    assertEquals("https://s3.example.com", load(Map.of(), secure.toString()).settings
        .get("storage.s3.endpoint"));
  }

  /**
   * distribution's storage.redirect.disable is storage.s3.redirect negated with the s3 driver
   * (registry:2 redirects unless disabled), and ignored with the filesystem, which never does.
   */
  @Test
  void distributionsRedirectSwitchIsTranslatedForS3Only() throws Exception {
    Path on = file("on.yml", "version: 0.1", "storage:", "  s3: {bucket: images}",
        "  redirect: {disable: false}");
    Configuration c = load(Map.of(), on.toString());
    assertEquals(List.of(), problems(c));
    assertEquals("true", c.settings.get("storage.s3.redirect"));
    assertEquals(on + ": storage.redirect.disable", c.settings.source("storage.s3.redirect"));
    assertEquals("20m", c.settings.get("storage.s3.redirectExpiry"));
    Path off = file("off.yml", "version: 0.1", "storage:", "  s3: {bucket: images}",
        "  redirect: {disable: true}");
    assertEquals("false", load(Map.of(), off.toString()).settings.get("storage.s3.redirect"));
    Configuration env = load(Map.of("REGISTRY_STORAGE_S3_BUCKET", "images",
        "REGISTRY_STORAGE_REDIRECT_DISABLE", "false"));
    assertEquals("true", env.settings.get("storage.s3.redirect"));
    Path bad = file("bad.yml", "version: 0.1", "storage:", "  s3: {bucket: images}",
        "  redirect: {disable: maybe}");
    assertEquals(List.of("storage.redirect.disable = 'maybe' (from " + bad + ":"
        + " storage.redirect.disable): expected true or false"),
        problems(load(Map.of(), bad.toString())));
    Path fs = file("fs.yml", "version: 0.1", "storage:", "  filesystem: {rootdirectory: /srv}",
        "  redirect: {disable: false}");
    Configuration filesystem = load(Map.of(), fs.toString());
    assertEquals("false", filesystem.settings.get("storage.s3.redirect"));
    assertTrue(filesystem.warnings.get(0).contains("storage.redirect.disable"),
        filesystem.warnings::toString);
  }

  @Test
  void whatCannotBeServedIsRefused() throws Exception {
    Path skip = file("skip.yml", "version: 0.1", "storage:",
        "  s3: {bucket: images, skipverify: true}");
    assertEquals(List.of("storage.s3.skipverify = 'true' (from " + skip + ":"
        + " storage.s3.skipverify): Berth always verifies the S3 store's certificate (add its CA"
        + " to the JVM's trust store instead)"), problems(load(Map.of(), skip.toString())));
    Path gcs = file("gcs.yml", "version: 0.1", "storage: {gcs: {bucket: b}}");
    assertEquals(List.of("storage.gcs (from " + gcs + ": storage.gcs): storage driver 'gcs' is"
        + " not supported: Berth stores on a filesystem, in memory, or S3"),
        problems(load(Map.of(), gcs.toString())));
    Path none = file("none.yml", "version: 0.1", "http: {addr: ':5000'}");
    assertTrue(problems(load(Map.of(), none.toString())).get(0).startsWith("storage (from "
        + none + "): no storage driver"));
    Path inMemory = file("memory.yml", "version: 0.1", "storage: {inmemory: {}}");
    assertEquals("memory", load(Map.of(), inMemory.toString()).settings.get("storage.path"));
    Path defaultRoot = file("root.yml", "version: 0.1", "storage: {filesystem: {}}");
    assertEquals("/var/lib/registry", load(Map.of(), defaultRoot.toString()).settings
        .get("storage.path"));
  }

  @Test
  void badValuesAreNamedWithTheirSource() throws Exception {
    Path config = file("config.yml", "version: 0.1", "storage:",
        "  filesystem: {rootdirectory: /srv}", "  delete: {enabled: yes please}",
        "http: {addr: 'localhost'}");
    assertEquals(List.of("http.addr = 'localhost' (from " + config + ": http.addr): expected"
        + " host:port, or :port for every interface",
        "deletes.enabled = 'yes please' (from " + config + ": storage.delete.enabled): expected"
            + " true or false"), problems(load(Map.of(), config.toString())));
    assertEquals(List.of("http.port = 'x' (from BERTH_HTTP_PORT): not a port (0 to 65535; 0"
        + " picks a free one)", "manifests.maxBytes = '10' (from --max-manifest-bytes): below"
        + " the minimum of 1024"), problems(load(Map.of("BERTH_HTTP_PORT", "x"),
            "--max-manifest-bytes", "10")));
  }

  @Test
  void berthFilesRefuseUnknownKeys() throws Exception {
    Path berth = file("berth.yml", "http:", "  prot: 5000", "storage:", "  path: /srv");
    List<String> problems = problems(load(Map.of(), berth.toString()));
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("http.prot (from " + berth + "): unknown setting;"
        + " known: http.host, http.port"), problems::toString);
  }

  @Test
  void environmentVariablesOfNoSettingAreNamedOthersLeftAlone() throws Exception {
    Configuration c = load(Map.of("BERTH_HTTP_PROT", "1", "REGISTRY_AUTH_FILE", "/run/auth.json",
        "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/srv/r", "PATH", "/bin"));
    assertEquals("/srv/r", c.settings.get("storage.path"));
    assertEquals("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", c.settings.source("storage.path"));
    assertEquals(List.of("environment variables that name no setting, ignored: BERTH_HTTP_PROT"
        + " (BERTH_ + the key in UPPER_SNAKE case, e.g. BERTH_HTTP_PORT)"), c.warnings);
  }

  @Test
  void gcReadsOnlyItsOwnKeysOfASharedFile() throws Exception {
    Path berth = file("berth.yml", "http: {port: not-a-port}", "gc: {gracePeriod: 2h}",
        "storage: {path: /srv}");
    Configuration gc = load(Map.of(), "gc", berth.toString());
    assertEquals(List.of(), problems(gc));
    assertEquals("2h", gc.settings.get("gc.gracePeriod"));
    assertEquals(1, problems(load(Map.of(), "serve", berth.toString())).size());
  }

  @Test
  void unreadableFilesAreProblems() throws Exception {
    assertEquals(List.of("config file = '" + work.resolve("none.yml") + "' (from the command"
        + " line): cannot read it: no such file or directory"),
        problems(load(Map.of(), work.resolve("none.yml").toString())));
    Path broken = file("broken.yml", "http: [unclosed");
    assertTrue(problems(load(Map.of(), broken.toString())).get(0).contains("not YAML"));
    assertTrue(Files.readString(broken, StandardCharsets.UTF_8).contains("unclosed"));
  }
}
