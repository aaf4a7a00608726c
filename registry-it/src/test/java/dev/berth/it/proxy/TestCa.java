package dev.berth.it.proxy;

import dev.berth.it.support.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A throw-away CA and a server certificate for {@code 127.0.0.1} signed by it, made with
 * openssl: {@code ca.pem}, {@code server.pem}, {@code server.key} in a folder.
 */
final class TestCa {
  private TestCa() {}

  static void issue(Path dir) throws IOException {
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
        "ca.pem", "-days", "2", "-subj", "/CN=Berth proxy test CA");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
        "server.csr", "-subj", "/CN=127.0.0.1");
    openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
  }

  private static void openssl(Path dir, String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Programs.check(dir, null, Duration.ofMinutes(1), command);
  }
}
