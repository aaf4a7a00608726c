package dev.berth.metrics;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of a metrics endpoint, in Prometheus' protobuf exposition (what a Prometheus server
 * asks for first), parsed with the classes the Java client library generates for that format
 * (prometheus-metrics-exposition-formats; the package names the protobuf version it shades).
 * client_java 1.x has no parser of the text format.
 */
final class Scrape {
  static final String PROTOBUF = "application/vnd.google.protobuf;"
      + "proto=io.prometheus.client.MetricFamily;encoding=delimited";

  final Map<String, Metrics.MetricFamily> families = new LinkedHashMap<>();

  static Scrape of(URI metrics) throws Exception {
    HttpResponse<byte[]> r = Http.CLIENT.send(HttpRequest.newBuilder(metrics)
        .header("Accept", PROTOBUF).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new AssertionError("scrape " + metrics + ": " + r.statusCode());
    }
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/vnd.google.protobuf")) {
      throw new AssertionError("not the protobuf exposition: " + type);
    }
    Scrape scrape = new Scrape();
    try (InputStream in = new ByteArrayInputStream(r.body())) {
      Metrics.MetricFamily family;
      while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
        scrape.families.put(family.getName(), family);
      }
    }
    return scrape;
  }

  /** The family's samples as label set to value (counter, gauge, or a histogram's count). */
  Map<Map<String, String>, Double> samples(String name) {
    Metrics.MetricFamily f = families.get(name);
    Map<Map<String, String>, Double> out = new LinkedHashMap<>();
    if (f == null) {
      return out;
    }
    for (Metrics.Metric m : f.getMetricList()) {
      Map<String, String> labels = new TreeMap<>();
      m.getLabelList().forEach(l -> labels.put(l.getName(), l.getValue()));
      double v = f.getType() == Metrics.MetricType.COUNTER ? m.getCounter().getValue()
          : f.getType() == Metrics.MetricType.GAUGE ? m.getGauge().getValue()
          : f.getType() == Metrics.MetricType.HISTOGRAM ? m.getHistogram().getSampleCount()
          : Double.NaN;
      out.put(labels, v);
    }
    return out;
  }

  /** The value of the sample with exactly these labels (0 when absent). */
  double value(String name, String... labelPairs) {
    Map<String, String> labels = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return samples(name).getOrDefault(labels, 0.0);
  }

  /** Every value of {@code label} across the family's samples. */
  List<String> labelValues(String name, String label) {
    List<String> values = new ArrayList<>();
    samples(name).keySet().forEach(l -> {
      if (l.containsKey(label)) {
        values.add(l.get(label));
      }
    });
    return values;
  }
}
