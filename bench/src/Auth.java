import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Group {@code auth} (issue 11): manifest GET and blob pull with token authentication, Berth
 * against registry:2 with the same {@code auth.token} settings (realm, service, issuer, one root
 * certificate bundle), and the same two workloads on a Berth and a registry:2 without auth in the
 * same rounds, so that the cost of auth on each shows beside the comparison.
 *
 * <p>Four servers, each on its own copy of one small data set: the bench's application image (a
 * ~1 KB manifest, tag {@code latest}) and one {@code bigBlob} to pull. Every round runs Berth with
 * auth, Berth without, registry:2 with auth, registry:2 without, in turn. The token is minted here
 * ({@link Tokens}), a pull grant on {@code bench/app} valid for a day, and sent with every request,
 * as a client does after its one token request: the token server's own cost is not measured.
 */
final class Auth {
  static final String REPOSITORY = "bench/app";
  static final String SERVICE = "berth-bench";
  static final String ISSUER = "berth bench token issuer";
  static final String REALM = "http://127.0.0.1:1/token";

  final Bench bench;
  final Config config;

  Auth(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  /** A server; with auth, the two forms of the same token (key in x5c, key by kid). */
  record Server(Bench.Target target, String authorization, String kidAuthorization) {}

  void measure() throws Exception {
    if (!config.wants("auth")) {
      return;
    }
    Path dir = config.work.resolve("auth");
    Files.createDirectories(dir);
    Tokens.Signer signer = Tokens.Signer.generate(dir);
    String token = signer.token(SERVICE, ISSUER, REPOSITORY, Duration.ofDays(1));
    String bearer = "Authorization: Bearer " + token;
    String bearerKid = "Authorization: Bearer " + signer.tokenWithKeyId(SERVICE, ISSUER,
        REPOSITORY, Duration.ofDays(1));
    // One data set, copied so that no two servers share a folder.
    Path seedRoot = dir.resolve("seed");
    Layout layout = new Layout(seedRoot);
    DataSets.Manifest app = DataSets.imageManifest(layout, "{\"os\":\"linux\"}".getBytes(
        StandardCharsets.UTF_8), List.of(new byte[4096], "bench".getBytes(StandardCharsets.UTF_8)),
        "");
    DataSets.linkManifest(layout, REPOSITORY, app);
    layout.tag(REPOSITORY, "latest", app.digest());
    Path big = dir.resolve("big.tmp");
    String pullBlob = DataSets.writeRandomFile(big, config.bigBlob, 7);
    Path bigData = layout.blobPath(Layout.hex(pullBlob));
    Files.createDirectories(bigData.getParent());
    Files.move(big, bigData);
    layout.layerLink(REPOSITORY, pullBlob);
    List<String> names = List.of("berth-auth", "berth", "registry2-auth", "registry2");
    for (String n : names) {
      Processes.copyTree(seedRoot, dir.resolve(n));
    }
    Processes.deleteTree(seedRoot);

    List<Process> started = new ArrayList<>();
    try {
      int[] ports = new int[4];
      for (int i = 0; i < 4; i++) {
        ports[i] = Processes.freePort();
      }
      started.add(bench.startBerth(ports[0], dir.resolve(names.get(0)), "berth-auth.log",
          "--token-realm", REALM, "--token-service", SERVICE, "--token-issuer",
          ISSUER, "--token-root-cert-bundle", signer.certificate().toString()));
      started.add(bench.startBerth(ports[1], dir.resolve(names.get(1)), "berth-noauth.log"));
      started.add(registry2(dir, ports[2], names.get(2), signer.certificate()));
      started.add(registry2(dir, ports[3], names.get(3), null));
      List<Server> servers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String authorization = i % 2 == 0 ? bearer : null;
        String kidAuthorization = i % 2 == 0 ? bearerKid : null;
        Processes.awaitOk(ports[i], started.get(i), Duration.ofSeconds(120), authorization);
        servers.add(new Server(new Bench.Target(names.get(i).startsWith("berth") ? "berth"
            : "registry2", "http://127.0.0.1:" + ports[i], started.get(i),
            dir.resolve(names.get(i))), authorization, kidAuthorization));
      }
      refusesAnonymous(servers.get(0), "Berth");
      refusesAnonymous(servers.get(2), "registry:2");
      for (int i : new int[] {0, 2}) {
        Server s = servers.get(i);
        Processes.awaitOk(ports[i], started.get(i), Duration.ofSeconds(10),
            s.kidAuthorization());
      }
      bench.info("auth: Berth and registry:2 verify an ES256 token with an x5c header chaining to"
          + " the same root bundle (" + token.length() + " characters), and the same grant "
          + "naming its key by kid (" + (bearerKid.length() - 22) + " characters); Berth remembers a verified token for up to a minute "
          + "(docs/security.md), registry:2 verifies the signature on every request");
      rows(servers, pullBlob);
    } finally {
      for (Process p : started) {
        Processes.stop(p);
      }
    }
  }

  void rows(List<Server> servers, String pullBlob) throws Exception {
    String c = config.connections + " connections (wrk)";
    String size = config.bigBlob / Bench.MiB + " MiB";
    String n = config.pullClients + " concurrent clients (wrk)";
    Row getAuth = bench.row("auth.manifest.get.rps", "manifest GET by tag, token auth, " + c,
        "req/s", true);
    Row p99Auth = bench.row("auth.manifest.get.p99", "manifest GET by tag, token auth, p99 "
        + "latency (wrk)", "ms", false);
    Row getKid = bench.row("auth.manifest.get.kid.rps", "manifest GET by tag, token auth, key "
        + "by kid, " + c, "req/s", true);
    Row getOpen = bench.row("auth.manifest.get.none.rps", "manifest GET by tag, no auth (same "
        + "rounds), " + c, "req/s", true);
    Row pullAuth = bench.row("auth.pull.n", "blob pull, " + size + ", token auth, " + n, "MB/s",
        true);
    Row pullOpen = bench.row("auth.pull.n.none", "blob pull, " + size + ", no auth (same rounds), "
        + n, "MB/s", true);
    String accept = "Accept: " + DataSets.OCI_MANIFEST;
    String manifest = "/v2/" + REPOSITORY + "/manifests/latest";
    // A full-length warm-up: with 1 s (as the manifests group has), Berth's rates still doubled
    // from round to round in the first run (fresh JVMs; the auth path has its own code to
    // compile), so the median measured the JIT, not auth.
    alternate("manifest GET by tag, token auth and none", servers, List.of(getAuth, p99Auth,
        getKid), java.util.Arrays.asList(getOpen, null, null), (s, round) -> {
          LoadTools.Wrk w = LoadTools.wrk(s.target().base() + manifest, config.connections,
              config.loadSeconds, headers(s, accept));
          if (s.kidAuthorization() == null) {
            return new double[] {w.requestsPerSecond(), w.p99Millis(), Double.NaN};
          }
          bench.pause();
          LoadTools.Wrk kid = LoadTools.wrk(s.target().base() + manifest, config.connections,
              config.loadSeconds, accept, s.kidAuthorization());
          return new double[] {w.requestsPerSecond(), w.p99Millis(), kid.requestsPerSecond()};
        });
    String blob = "/v2/" + REPOSITORY + "/blobs/" + pullBlob;
    alternate("blob pull, token auth and none", servers, List.of(pullAuth), List.of(pullOpen),
        (s, round) -> {
          LoadTools.Wrk w = LoadTools.wrk(s.target().base() + blob, config.pullClients,
              round < 0 ? 2 : config.loadSeconds * 2, headers(s));
          return new double[] {w.bytesPerSecond() / 1e6};
        });
    for (Row[] pair : new Row[][] {{getAuth, getOpen}, {getKid, getOpen},
        {pullAuth, pullOpen}}) {
      pair[0].addNote(String.format(Locale.ROOT, "auth keeps %s of Berth's and %s of registry:2's "
          + "throughput without auth", share(pair[0].berthMedian(), pair[1].berthMedian()),
          share(pair[0].registry2Median(), pair[1].registry2Median())));
    }
  }

  static String share(double with, double without) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * with / without);
  }

  static String[] headers(Server s, String... more) {
    List<String> h = new ArrayList<>(List.of(more));
    if (s.authorization() != null) {
      h.add(s.authorization());
    }
    return h.toArray(String[]::new);
  }

  interface Measure {
    double[] run(Server server, int round) throws Exception;
  }

  /**
   * Like {@link Bench#alternate}, over four servers in turn (Berth with auth, Berth, registry:2
   * with auth, registry:2): the auth runs feed {@code authRows}, the others {@code openRows} (a
   * null there: that value is not kept), after one unrecorded warm-up run each.
   */
  void alternate(String what, List<Server> servers, List<Row> authRows, List<Row> openRows,
      Measure measure) throws Exception {
    Bench.log("== " + what);
    for (Server s : servers) {
      measure.run(s, -1);
      bench.pause();
    }
    for (int round = 0; round < config.rounds; round++) {
      double[][] v = new double[4][];
      for (int i = 0; i < 4; i++) {
        v[i] = measure.run(servers.get(i), round);
        bench.pause();
      }
      StringBuilder line = new StringBuilder("  round " + (round + 1) + ":");
      for (int k = 0; k < authRows.size(); k++) {
        authRows.get(k).berth.add(v[0][k]);
        authRows.get(k).registry2.add(v[2][k]);
        Row open = openRows.get(k);
        if (open != null) {
          open.berth.add(v[1][k]);
          open.registry2.add(v[3][k]);
        }
        line.append(String.format(Locale.ROOT, "  %s Berth %s (no auth %s) / registry:2 %s (no "
            + "auth %s) %s", authRows.get(k).id, Util.format(v[0][k]), Util.format(v[1][k]),
            Util.format(v[2][k]), Util.format(v[3][k]), authRows.get(k).unit));
      }
      Bench.log(line.toString());
    }
  }

  /** A registry:2 as the other rows run it, with distribution's token settings when given. */
  Process registry2(Path dir, int port, String name, Path bundle) throws Exception {
    Path cfg = Processes.writeRegistry2Config(dir.resolve(name + ".yml"), dir.resolve(name),
        port);
    if (bundle != null) {
      Files.writeString(cfg, "auth:\n  token:\n    realm: " + REALM + "\n    service: " + SERVICE
          + "\n    issuer: " + ISSUER + "\n    rootcertbundle: " + bundle + "\n",
          java.nio.file.StandardOpenOption.APPEND);
    }
    return new ProcessBuilder("docker-registry", "serve", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  /** A measurement of auth is void if the server would have served without the token. */
  void refusesAnonymous(Server s, String who) throws Exception {
    Processes.ExecResult r = Processes.exec(List.of("curl", "-sS", "-o", "/dev/null", "-w",
        "%{http_code}", s.target().base() + "/v2/" + REPOSITORY + "/manifests/latest"), null);
    Util.check(r.output().trim().equals("401"), who + " with auth answered " + r.output()
        + " to a request without a token");
  }
}
