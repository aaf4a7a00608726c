package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.TestServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Clock;

/**
 * A registry over S3 storage in a JVM of its own, for {@link BigPushInSmallHeapTest}: started
 * with a small {@code -Xmx}, it prints {@code url <base URL>}, serves until its standard input
 * closes, then prints {@code peak-heap <bytes>} (the sum of the heap pools' peaks) and exits.
 *
 * <p>Arguments: endpoint, access key, secret key, bucket, root prefix.
 */
public final class ForkedRegistry {
  private ForkedRegistry() {}

  public static void main(String[] args) throws Exception {
    S3Config config = S3Config.builder(args[3]).endpoint(URI.create(args[0]))
        .credentials(S3Credentials.of(args[1], args[2])).rootPrefix(args[4]).build();
    try (S3Storage storage = S3Storage.open(config, Clock.systemUTC());
        Registry registry = Registry.builder().storage(storage).build()) {
      TestServer server = JettyTestServer.start(registry);
      System.out.println("url " + server.url());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Serve until the parent closes our standard input.
      }
      server.close();
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("peak-heap " + peak);
    System.out.flush();
  }
}
