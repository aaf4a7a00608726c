package dev.berth.registry.servlet.api;

import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.servlet.testing.TomcatTestServer;

/** The same manifest tests on embedded Tomcat. */
class ManifestLimitsApiOnTomcatTest extends ManifestLimitsApiTest {
  @Override
  protected TestServer.Factory container() {
    return TomcatTestServer::start;
  }
}
