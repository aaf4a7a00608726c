package dev.berth.registry.s3;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Records every HTTP request the storage's client sends: its S3 operation, query and headers. */
final class RequestLog implements ExecutionInterceptor {

  record Request(String operation, String method, Map<String, List<String>> query,
      Map<String, List<String>> headers) {
    boolean hasHeaderStartingWith(String prefix) {
      return headers.keySet().stream().anyMatch(h -> h.toLowerCase().startsWith(prefix));
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context,
      ExecutionAttributes attributes) {
    requests.add(new Request(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
        context.httpRequest().method().name(), context.httpRequest().rawQueryParameters(),
        context.httpRequest().headers()));
  }

  List<Request> all() {
    return List.copyOf(requests);
  }

  List<String> operations() {
    return requests.stream().map(Request::operation).toList();
  }

  long count(String operation) {
    return requests.stream().filter(r -> r.operation().equals(operation)).count();
  }

  void clear() {
    requests.clear();
  }
}
