package org.dane4j.smtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.dane4j.dns.DnssecProbe;
import org.dane4j.dns.DnssecStatus;
import org.dane4j.tlsa.FailureType;

/**
 * The result of planning a delivery (RFC 7672 §2): the routes in the order to try them, or why there is
 * nothing to try.
 *
 * <p>Adapters walk {@link #routes()} in order, skip UNUSABLE ones, never retry a host in cleartext or
 * unauthenticated when its requirement is mandatory, and defer when no route is left. When
 * {@link #failure()} is present there is nothing to try: defer if it is transient, bounce if not.
 */
public final class DeliveryPlan {
  private final Destination destination;
  private final DaneMode mode;
  private final DnssecStatus mxStatus;
  private final List<MxRoute> routes;
  private final Failure failure;
  private final DnssecProbe dnssec;

  /**
   * Why a destination cannot be tried at all.
   *
   * @param type the RFC 8460 failure type, or null for failures outside TLS reporting (null MX)
   * @param transientFailure true to defer (4xx), false to bounce (5xx)
   * @param reason what happened, in words
   */
  public record Failure(FailureType type, boolean transientFailure, String reason) {
    /** Checks for nulls. */
    public Failure {
      Objects.requireNonNull(reason, "reason");
    }
  }

  DeliveryPlan(Destination destination, DaneMode mode, DnssecStatus mxStatus, List<MxRoute> routes,
      Failure failure) {
    this(destination, mode, mxStatus, routes, failure, DnssecProbe.notProbed());
  }

  DeliveryPlan(Destination destination, DaneMode mode, DnssecStatus mxStatus, List<MxRoute> routes,
      Failure failure, DnssecProbe dnssec) {
    this.destination = Objects.requireNonNull(destination, "destination");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.mxStatus = Objects.requireNonNull(mxStatus, "mxStatus");
    this.routes = List.copyOf(routes);
    this.failure = failure;
    this.dnssec = Objects.requireNonNull(dnssec, "dnssec");
  }

  /** The destination planned. */
  public Destination destination() {
    return destination;
  }

  /** The policy applied. */
  public DaneMode mode() {
    return mode;
  }

  /** The DNSSEC status of the MX lookup (SECURE for a relay given by name). */
  public DnssecStatus mxStatus() {
    return mxStatus;
  }

  /** Every route in MX order, UNUSABLE ones included (with their reasons). */
  public List<MxRoute> routes() {
    return routes;
  }

  /** The routes that may be connected to, in order. */
  public List<MxRoute> usableRoutes() {
    return routes.stream().filter(r -> r.requirement() != TlsRequirement.UNUSABLE).toList();
  }

  /**
   * The resolver's DNSSEC probe result this plan was made under (DNS-4): when it is not
   * {@link DnssecProbe.State#VALIDATING}, the DNSSEC statuses in this plan cannot be relied on (with a
   * resolver that does not validate, every answer looks insecure and DANE hosts look opportunistic).
   */
  public DnssecProbe dnssec() {
    return dnssec;
  }

  /** Why nothing can be tried, when that is so. */
  public Optional<Failure> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("plan for ").append(destination).append(" (mode ").append(mode)
        .append(", MX ").append(mxStatus).append(", DNSSEC ").append(dnssec.state().word()).append(")");
    if (failure != null) {
      s.append(": ").append(failure.transientFailure() ? "defer: " : "fail: ").append(failure.reason());
    }
    routes.forEach(r -> s.append("\n  ").append(r));
    return s.toString();
  }
}
