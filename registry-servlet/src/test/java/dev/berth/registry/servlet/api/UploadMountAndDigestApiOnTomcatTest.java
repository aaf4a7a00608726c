package dev.berth.registry.servlet.api;

import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.servlet.testing.TomcatTestServer;

/** The same mount and digest upload tests on embedded Tomcat. */
class UploadMountAndDigestApiOnTomcatTest extends UploadMountAndDigestApiTest {
  @Override
  protected TestServer.Factory container() {
    return TomcatTestServer::start;
  }
}
