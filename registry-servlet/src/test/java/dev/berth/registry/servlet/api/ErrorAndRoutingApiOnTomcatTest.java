package dev.berth.registry.servlet.api;

import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.servlet.testing.TomcatTestServer;

/** The same validation and routing tests on embedded Tomcat. */
class ErrorAndRoutingApiOnTomcatTest extends ErrorAndRoutingApiTest {
  @Override
  protected TestServer.Factory container() {
    return TomcatTestServer::start;
  }
}
