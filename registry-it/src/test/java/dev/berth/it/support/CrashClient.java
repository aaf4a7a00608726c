package dev.berth.it.support;

import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The crash workload's view of HTTP: a request either gets an answer or fails (null), and an
 * answer is an acknowledgement only with the expected 2xx. Before the kill every write must be
 * acknowledged (the workload builds only on certain state), so a failure then is a violation;
 * after it, a failure is an unknown outcome.
 */
public final class CrashClient {

  private final RegistryClient client;
  private final AtomicBoolean killed;
  private final Violations violations;
  private final int round;

  /**
   * @param killed set just before the launcher is killed: a write that fails while it is unset
   *     failed on its own
   */
  public CrashClient(RegistryClient client, AtomicBoolean killed, Violations violations,
      int round) {
    this.client = client;
    this.killed = killed;
    this.violations = violations;
    this.round = round;
  }

  public boolean killed() {
    return killed.get();
  }

  /** The answer, or null when the connection failed (the kill, or a crash of its own). */
  public Response send(String method, String path, byte[] body, String... headers) {
    try {
      return client.send(method, path, body, headers);
    } catch (UncheckedIOException e) {
      return null;
    }
  }

  /** Whether the write was acknowledged; a failure before the kill is reported. */
  public boolean expect(Response r, int status, String write) {
    if (r != null && r.status() == status) {
      return true;
    }
    // The flag is set before the kill, so a failure the kill caused always sees it set.
    if (!killed.get()) {
      violations.add(round, "write failed before the kill", write,
          r == null ? "no answer (connection failed)" : "answered " + r);
    }
    return false;
  }

  /** Reports something wrong in an acknowledged answer. */
  public void violation(String kind, String key, String detail) {
    violations.add(round, kind, key, detail);
  }
}
