package dev.berth.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One Berth registry for the test class, on an ephemeral loopback port. Test and lifecycle methods
 * receive it as a {@link BerthRuntimeInfo} parameter (and {@link Faults} or
 * {@link dev.berth.junit5.content.TestContent} parameters):
 *
 * <pre>{@code
 * @BerthTest
 * class PushTest {
 *   @Test
 *   void pushes(BerthRuntimeInfo berth) { ... berth.url() ... }
 * }
 * }</pre>
 *
 * For more settings, or one registry per test, register a {@link BerthExtension} in a field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BerthExtension.class)
public @interface BerthTest {

  /** Where the registry keeps its content. */
  RegistryStorage storage() default RegistryStorage.MEMORY;

  /** Start every test with an empty registry. */
  boolean resetContent() default true;

  /** Fail a test during which the registry answered with a 5xx status (not an injected one). */
  boolean failOnServerError() default true;

  /**
   * Users who may do everything, as {@code "name:password"}; anonymous callers may then do
   * nothing. None (the default): the registry is open.
   */
  String[] users() default {};

  /** The users log in at Berth's own token server ({@code /auth/token}) instead of Basic. */
  boolean tokenServer() default false;

  /** HTTPS on a certificate made for the test ({@link BerthRuntimeInfo#tlsCertificate()}). */
  boolean tls() default false;
}
