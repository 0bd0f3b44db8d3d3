/**
 * dane4j metrics for Micrometer: {@code DaneMetrics}, a delivery listener that records meters, and the DNSSEC
 * probe's state as a gauge.
 */
module org.dane4j.micrometer {
  requires transitive org.dane4j.core;
  requires transitive micrometer.core;

  exports org.dane4j.micrometer;
}
