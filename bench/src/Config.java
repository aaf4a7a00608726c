import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What a run measures and how much of it: the full sizes, or small ones with {@code --quick}, and
 * where things live on disk.
 */
final class Config {
  Path repo;
  Path bench;
  Path results;
  Path work;
  Path jar;
  Path classes;
  /** What berth-junit5 brings at run time (no logging binding): the embedded rows' class path. */
  Path embeddedLib;
  boolean quick;
  boolean profile;
  boolean fresh;
  boolean clean;
  Path data;
  int rounds = 3;
  Set<String> only = Set.of();
  List<String> berthJavaOpts = List.of();

  long bigBlob = 256 * Bench.MiB;
  int parallelClients = 64;
  int parallelPerClient = 4;
  int parallelBlob = (int) Bench.MiB;
  int putClients = 16;
  int putPerClient = 32;
  int pullClients = 32;
  int pullSingleRepeats = 2;
  int connections = 32;
  int loadSeconds = 8;
  int tags = 10_000;
  int tagPage = 1000;
  int repos = 2_000;
  int catalogPage = 100;
  int[] referrers = {10, 1_000, 100_000};
  int gcRepos = 100;
  int gcManifestsPerRepo = 100;
  int gcBlobsPerRepo = 1000;
  int walkRepeats = 20;
  long walkWarmUpMillis = 10_000;
  int startupRounds = 5;
  int shaSeconds = 3;
  long loopbackBytes = 4096 * Bench.MiB;
  long pauseMillis = 500;

  void applyQuick() {
    quick = true;
    bigBlob = 32 * Bench.MiB;
    parallelPerClient = 1;
    putPerClient = 16;
    pullSingleRepeats = 2;
    loadSeconds = 2;
    tags = 1_000;
    repos = 200;
    referrers = new int[] {10, 100, 1_000};
    gcRepos = 5;
    walkRepeats = 5;
    walkWarmUpMillis = 500;
    startupRounds = 3;
    shaSeconds = 1;
    loopbackBytes = 512 * Bench.MiB;
    pauseMillis = 100;
  }

  boolean wants(String group) {
    return only.isEmpty() || only.contains(group);
  }

  int gcBlobs() {
    return gcRepos * gcBlobsPerRepo;
  }

  int gcManifests() {
    return gcRepos * gcManifestsPerRepo;
  }
}
