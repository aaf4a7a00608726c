package dev.berth.registry.servlet.api;

import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.servlet.testing.TomcatTestServer;

/** The same taglist listing tests on embedded Tomcat. */
class TagListApiOnTomcatTest extends TagListApiTest {
  @Override
  protected TestServer.Factory container() {
    return TomcatTestServer::start;
  }
}
