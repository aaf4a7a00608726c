package dev.berth.registry.servlet.api;

import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.servlet.testing.TomcatTestServer;

/** The same catalog listing tests on embedded Tomcat. */
class CatalogApiOnTomcatTest extends CatalogApiTest {
  @Override
  protected TestServer.Factory container() {
    return TomcatTestServer::start;
  }
}
