package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.CrashChecks;
import dev.berth.it.support.CrashClient;
import dev.berth.it.support.CrashLedger;
import dev.berth.it.support.CrashWorkload;
import dev.berth.it.support.StorageProbe;
import dev.berth.it.support.Tally;
import dev.berth.it.support.Violations;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the launcher on its filesystem storage: client threads write every kind of
 * thing over HTTP (blobs pushed monolithic, POST then PUT and in chunks; manifests and indexes by
 * tag and by digest, with and without a subject and an artifactType; tag moves; deletes of tags,
 * of manifests by digest and of blobs) while the launcher is killed with SIGKILL at a random
 * moment, then restarted on the same directory and checked (see {@link CrashChecks}): no
 * acknowledged write is lost, every listed tag resolves, the referrers index matches the
 * manifests, every blob file holds its digest's bytes, and a DELETE cut by the kill finishes when
 * retried. Repeated {@code -Dberth.crash.kills} times.
 *
 * <p>Replay: {@code -Dberth.crash.seed} fixes the random choices (operations, sizes, kill delays);
 * where exactly a kill lands inside a request still depends on timing, so a seed reproduces a
 * failure often, not always. Every violation is collected and reported once, for the round that
 * first saw it; the test fails at the end if there is any.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class CrashSafetyIT {

  /** Two repositories, one nested, each written by two threads that own disjoint keys. */
  static final List<String> REPOSITORIES = List.of("crash/alpha", "crash/beta/gamma");
  static final int THREADS = 4;
  /** About 60 to 90 seconds on a 2-core machine. */
  static final int DEFAULT_KILLS = 20;
  /** The launcher is killed this long after the writers start: mid-request, at any step. */
  static final int MIN_KILL_DELAY_MILLIS = 200;
  static final int MAX_KILL_DELAY_MILLIS = 1500;
  /** A quick start: each round starts a JVM; the C1 compiler alone is enough for a short run. */
  static final List<String> JVM_ARGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-Xmx256m");

  @TempDir
  Path data;

  @Test
  void acknowledgedWritesSurviveSigkillAtRandomMoments() throws Exception {
    long seed = Long.getLong("berth.crash.seed", new SecureRandom().nextLong());
    int kills = Integer.getInteger("berth.crash.kills", DEFAULT_KILLS);
    run(seed, kills, false, "-Dberth.crash.seed=" + seed + " -Dberth.crash.kills=" + kills);
  }

  /**
   * The control: the same workload and checks, but the writers finish their last request before
   * the kill, so nothing is cut. Every write is acknowledged and every check must pass; a
   * violation here is a fault of the checks (or a loss with nothing in flight), not of crash order.
   */
  @Test
  void checksPassWhenNothingIsInFlightAtTheKill() throws Exception {
    long seed = Long.getLong("berth.crash.seed", new SecureRandom().nextLong());
    run(seed, 3, true, "-Dberth.crash.seed=" + seed);
  }

  /**
   * @param quiesce stop the writers before the kill instead of killing under them
   */
  private void run(long seed, int kills, boolean quiesce, String replay) throws Exception {
    String name = quiesce ? "CrashSafetyIT (control, nothing in flight)" : "CrashSafetyIT";
    System.out.println(name + ": seed " + seed + ", " + kills + " kills; replay with " + replay);
    SplittableRandom random = new SplittableRandom(seed);
    List<CrashLedger> ledgers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      ledgers.add(new CrashLedger(t, REPOSITORIES.get(t % REPOSITORIES.size())));
    }
    Violations violations = new Violations();
    Tally checks = new Tally();
    List<String> serverProblems = new ArrayList<>();
    long started = System.nanoTime();
    int killsDone = 0;
    BerthProcess server = start();
    try {
      for (int round = 1; round <= kills; round++) {
        AtomicBoolean killed = new AtomicBoolean();
        CrashClient http = new CrashClient(new RegistryClient(server.url()), killed, violations,
            round);
        List<Thread> writers = new ArrayList<>();
        for (CrashLedger ledger : ledgers) {
          Thread writer = new Thread(new CrashWorkload(http, ledger, random.nextLong(), round),
              "crash-writer-r" + round + "-t" + ledger.thread);
          writer.setDaemon(true);
          writers.add(writer);
        }
        int delay = MIN_KILL_DELAY_MILLIS
            + random.nextInt(MAX_KILL_DELAY_MILLIS - MIN_KILL_DELAY_MILLIS);
        writers.forEach(Thread::start);
        // Not a synchronisation: the random moment of the kill is what the test varies.
        Thread.sleep(delay);
        killed.set(true);
        if (quiesce) {
          joinAll(writers, round);
        }
        server.kill();
        assertFalse(server.isAlive(), "SIGKILL did not end the launcher in round " + round);
        killsDone++;
        joinAll(writers, round);
        collectProblems(round, server.output(), serverProblems);
        try {
          server = start();
        } catch (IllegalStateException e) {
          violations.add(round, "launcher does not start after the kill", data.toString(),
              e.getMessage());
          server = null;
          break;
        }
        try {
          new CrashChecks(new RegistryClient(server.url()), new StorageProbe(data), round,
              violations, checks).run(ledgers);
        } catch (RuntimeException e) {
          // An answer the checks cannot read (a 200 that is not JSON, a dropped connection):
          // report it with the round and seed, and stop, since the ledgers are now unsynced.
          violations.add(round, "checks aborted", e.toString(), stack(e));
          break;
        }
        System.out.printf("%s: round %d killed after %d ms; %d distinct violations so far%n",
            name, round, delay, violations.all().size());
      }
    } finally {
      if (server != null) {
        collectProblems(kills + 1, server.output(), serverProblems);
        server.close();
      }
    }
    String summary = summary(name, seed, killsDone, replay, System.nanoTime() - started, ledgers,
        checks, violations, serverProblems);
    System.out.println(summary);
    if (!violations.isEmpty()) {
      fail(violations.all().size() + " invariant violations; replay with " + replay + "\n"
          + violations.report(5) + summary);
    }
  }

  private static String stack(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (StackTraceElement frame : e.getStackTrace()) {
      if (out.length() > 2000) {
        break;
      }
      out.append("\n      at ").append(frame);
    }
    return out.toString();
  }

  private static void joinAll(List<Thread> writers, int round) throws InterruptedException {
    for (Thread writer : writers) {
      writer.join(Duration.ofSeconds(60).toMillis());
      assertFalse(writer.isAlive(), writer.getName() + " still writing a minute after round "
          + round + " stopped it");
    }
  }

  private BerthProcess start() throws IOException {
    return BerthProcess.start(JVM_ARGS, "--storage", data.toString());
  }

  /** Exceptions the launcher logged: a 500 during the workload or the checks is explained there. */
  private static void collectProblems(int round, String output, List<String> into) {
    for (String line : output.split("\n")) {
      if ((line.contains("Exception") || line.contains("SEVERE") || line.contains("ERROR"))
          && into.size() < 20) {
        into.add("launcher of round " + round + ": " + line);
      }
    }
  }

  private static String summary(String name, long seed, int kills, String replay, long nanos,
      List<CrashLedger> ledgers, Tally checks, Violations violations, List<String> problems) {
    Tally acknowledged = new Tally();
    Tally unknown = new Tally();
    ledgers.forEach(l -> {
      acknowledged.addAll(l.acknowledged);
      unknown.addAll(l.unknown);
    });
    return String.format("%s summary: seed %d, %d kills in %.1f s (replay with %s)%n"
            + "  acknowledged writes by kind (%d):%n%s%n"
            + "  writes of unknown outcome (failed or cut by a kill) by kind (%d):%n%s%n"
            + "  invariant checks done (%d):%n%s%n"
            + "  distinct violations: %d%n%s"
            + "%s",
        name, seed, kills, nanos / 1e9, replay, acknowledged.total(), acknowledged,
        unknown.total(), unknown, checks.total(), checks, violations.all().size(),
        violations.summary(),
        problems.isEmpty() ? "" : "  launcher log lines:\n    " + String.join("\n    ", problems)
            + "\n");
  }
}
