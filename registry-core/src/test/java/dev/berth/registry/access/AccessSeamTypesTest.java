package dev.berth.registry.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RepositoryName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The seam's value types: valid by construction, and a caller that never prints its secret. */
class AccessSeamTypesTest {

  private static final RepositoryName APP = RepositoryName.parse("team/app");

  @Test
  void catalogAloneNamesNoRepository() {
    assertThrows(IllegalArgumentException.class,
        () -> new Access(Optional.of(APP), Action.CATALOG));
    assertThrows(IllegalArgumentException.class,
        () -> new Access(Optional.empty(), Action.PULL));
    assertEquals("team/app PULL", Access.pull(APP).toString());
    assertEquals("CATALOG", Access.catalog().toString());
  }

  @Test
  void allListsNeedsThenOptional() {
    AccessRequest request = new AccessRequest(Caller.anonymous("127.0.0.1"),
        List.of(Access.pull(APP), Access.push(APP)),
        List.of(Access.pull(RepositoryName.parse("base/img"))));

    assertEquals(List.of(Access.pull(APP), Access.push(APP),
        Access.pull(RepositoryName.parse("base/img"))), request.all());
  }

  @Test
  void callerNeverPrintsItsCredentials() {
    Caller basic = new Caller(Optional.empty(), Optional.of("Basic YWxpY2U6czNjcjN0"), "10.0.0.1",
        Optional.of("https://registry.example"), role -> true);
    Caller odd = new Caller(Optional.of("alice"), Optional.of("s3cr3t"), "10.0.0.1");

    assertFalse(basic.toString().contains("YWxpY2U6czNjcjN0"), basic::toString);
    assertTrue(basic.toString().contains("<Basic ...>"), basic::toString);
    assertFalse(odd.toString().contains("s3cr3t"), odd::toString);
    assertTrue(basic.inRole("admins"));
    assertFalse(odd.inRole("admins"));
  }

  @Test
  void refusalsCarryTheirAnswer() {
    AccessDenied unauthorized = AccessDenied.unauthorized("authentication required",
        Optional.of("Basic realm=\"Berth\""), null);
    AccessDenied denied = AccessDenied.denied("no", null);

    assertEquals(ErrorCode.UNAUTHORIZED, unauthorized.code());
    assertEquals(Optional.of("Basic realm=\"Berth\""), unauthorized.challenge());
    assertEquals(403, denied.httpStatus());
    assertEquals(Optional.empty(), denied.challenge());
  }

  @Test
  void allowAllPermitsEverything() {
    Permit permit = AccessController.ALLOW_ALL.authorize(
        AccessRequest.of(Caller.anonymous("::1"), List.of(Access.delete(APP))));

    assertTrue(permit.allows(Access.moveTag(APP)));
    assertTrue(permit.lists(APP));
    permit.require(Access.catalog());
  }
}
