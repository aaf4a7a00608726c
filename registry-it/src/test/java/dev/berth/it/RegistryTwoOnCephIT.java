package dev.berth.it;

import static dev.berth.it.RegistryTwoContent.APP;
import static dev.berth.it.RegistryTwoContent.assertRanges;
import static dev.berth.it.RegistryTwoContent.push;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.RegistryTwoContent.Pushed;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.CephRgw;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.it.support.RegistrySnapshot;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's docker-registry (registry:2) with its {@code s3} driver and berth.jar with
 * {@code storage.s3.*}, on the same Ceph gateway and prefix: what one wrote the other serves
 * byte for byte (manifests, tags in order, blobs, ranges, what was deleted stays gone). The
 * content and checks are those of {@link RegistryTwoCompatibilityIT} on a directory.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RegistryTwoOnCephIT {

  @TempDir
  Path work;

  CephRgw ceph;
  String prefix;

  @BeforeEach
  void requirePrograms() {
    Programs.require(DockerRegistryProcess.PROGRAM);
    ceph = CephRgw.get();
    prefix = "it-registry2-" + UUID.randomUUID();
  }

  @Test
  void berthServesWhatRegistryTwoWroteToTheBucket() throws Exception {
    Pushed pushed;
    RegistrySnapshot written;
    try (DockerRegistryProcess registry2 = registryTwo()) {
      RegistryClient client = new RegistryClient(registry2.url());
      pushed = push(client, false);
      written = pushed.snapshot(client);
      pushed.assertServedBy(written, "registry:2 on S3");
      pushed.assertGone(client, "registry:2 on S3");
    }
    try (BerthProcess berth = berth()) {
      RegistryClient client = new RegistryClient(berth.url());
      RegistrySnapshot served = pushed.snapshot(client);
      written.assertServedSameBy(served, "Berth on registry:2's bucket");
      assertEquals(pushed.tags, served.tags, "Berth lists tags in lexical order");
      pushed.assertGone(client, "Berth on registry:2's bucket");
      assertRanges(client, APP, pushed.bigBlob, pushed.bigBlobDigest, true);
      assertTrue(berth.isAlive(), berth::output);
      assertFalse(berth.output().contains("Exception"), berth::output);
    }
  }

  @Test
  void registryTwoServesWhatBerthWroteToTheBucket() throws Exception {
    Pushed pushed;
    RegistrySnapshot written;
    try (BerthProcess berth = berth()) {
      RegistryClient client = new RegistryClient(berth.url());
      pushed = push(client, true);
      written = pushed.snapshot(client);
      pushed.assertServedBy(written, "Berth on S3");
      pushed.assertGone(client, "Berth on S3");
    }
    try (DockerRegistryProcess registry2 = registryTwo()) {
      RegistryClient client = new RegistryClient(registry2.url());
      RegistrySnapshot served = pushed.snapshot(client);
      written.assertServedSameBy(served, "registry:2 on Berth's bucket");
      pushed.assertGone(client, "registry:2 on Berth's bucket");
      assertRanges(client, APP, pushed.bigBlob, pushed.bigBlobDigest, false);
      assertTrue(registry2.isAlive(), registry2::output);
      assertFalse(registry2.output().matches("(?s).*http\\.response\\.status=5\\d\\d.*"),
          registry2::output);
    }
  }

  private DockerRegistryProcess registryTwo() throws Exception {
    return DockerRegistryProcess.start(Files.createDirectories(work.resolve("unused-root")),
        work, DockerRegistryProcess.Options.DEFAULT.withS3(ceph, prefix));
  }

  private BerthProcess berth() throws Exception {
    List<String> args = new ArrayList<>(ceph.flags(prefix));
    return BerthProcess.start(args.toArray(String[]::new));
  }
}
