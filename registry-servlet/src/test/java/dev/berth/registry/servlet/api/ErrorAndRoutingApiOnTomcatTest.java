package dev.berth.registry.servlet.api;

import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.servlet.testing.TomcatTestServer;
import org.junit.jupiter.api.Test;

/** The same validation and routing tests on embedded Tomcat. */
class ErrorAndRoutingApiOnTomcatTest extends ErrorAndRoutingApiTest {
  @Override
  protected TestServer.Factory container() {
    return TomcatTestServer::start;
  }

  /** Tomcat hands {@code a//b} to the servlet, which must answer NAME_INVALID. */
  @Test
  @Override
  void emptyPathSegmentInANameIsNameInvalid() {
    super.emptyPathSegmentInANameIsNameInvalid();
  }
}
