package dev.berth.registry.s3;

import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Gives a PUT without a body an empty one, so that it is sent with {@code Content-Length: 0}.
 * UploadPartCopy has no body, and over HttpURLConnection it then goes out without any
 * Content-Length, which Ceph RGW 16 refuses: {@code 411 MissingContentLength}. (HttpURLConnection
 * will not send a Content-Length header set by hand; it sends one only for a body it writes.)
 */
final class EmptyBodies implements ExecutionInterceptor {
  @Override
  public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
      ExecutionAttributes attributes) {
    if (context.httpRequest().method() == SdkHttpMethod.PUT && context.requestBody().isEmpty()) {
      return Optional.of(RequestBody.empty());
    }
    return context.requestBody();
  }
}
