package dev.berth.registry.servlet;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the current metrics in a format a scraper asked for, for the management port's metrics
 * path. registry-metrics' Prometheus binding implements it; this module depends on no metrics
 * library.
 */
public interface MetricsExposition {

  /** The content type of the answer to a request with this {@code Accept} header (or null). */
  String contentType(String accept);

  /** Writes the metrics in the format {@link #contentType} named. */
  void write(String accept, OutputStream out) throws IOException;
}
