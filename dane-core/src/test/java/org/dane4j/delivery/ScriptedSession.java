package org.dane4j.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.dane4j.tlsa.FailureType;

/**
 * A fake {@link SmtpSession}: each address answers as its script says, and every request is recorded, so a
 * test sees exactly which sessions the engine asked for, in which order, with which recipients.
 */
final class ScriptedSession implements SmtpSession {
  private final Map<String, Function<SessionRequest, SessionResult>> scripts = new HashMap<>();
  final List<SessionRequest> requests = Collections.synchronizedList(new ArrayList<>());

  ScriptedSession at(String address, Function<SessionRequest, SessionResult> script) {
    scripts.put(address, script);
    return this;
  }

  @Override
  public CompletableFuture<SessionResult> run(SessionRequest request) {
    requests.add(request);
    Function<SessionRequest, SessionResult> script = scripts.get(request.address().getHostAddress());
    if (script == null) {
      return CompletableFuture.completedFuture(refused());
    }
    return CompletableFuture.supplyAsync(() -> script.apply(request));
  }

  List<String> addressesTried() {
    return requests.stream().map(r -> r.address().getHostAddress() + (r.startTls() ? "" : " cleartext")).toList();
  }

  static SessionResult refused() {
    return SessionResult.builder().phase(SessionPhase.CONNECT).failure(null, "connection refused").build();
  }

  static SessionResult tlsFailed(FailureType type) {
    return SessionResult.builder().connected().phase(SessionPhase.TLS_HANDSHAKE).failure(type, "handshake failed")
        .build();
  }

  static SessionResult noStartTls() {
    return SessionResult.builder().connected().phase(SessionPhase.STARTTLS)
        .failure(FailureType.STARTTLS_NOT_SUPPORTED, "the server does not offer STARTTLS").build();
  }

  /** MAIL 250, each recipient answered with the code the function gives, then DATA's reply (when any RCPT took). */
  static Function<SessionRequest, SessionResult> transaction(boolean authenticated,
      Function<String, Integer> rcptCode, int dataCode) {
    return req -> {
      SessionResult.Builder b = SessionResult.builder().connected();
      if (req.startTls()) {
        b.tls("TLSv1.3", "TLS_AES_128_GCM_SHA256", authenticated);
      }
      b.phase(SessionPhase.RCPT).mailReply(new SmtpReply(250, "ok"));
      boolean any = false;
      for (String r : req.recipients()) {
        int code = rcptCode.apply(r);
        b.rcptReply(r, new SmtpReply(code, "rcpt " + code));
        any |= code / 100 == 2;
      }
      if (any) {
        b.phase(SessionPhase.DATA).dataReply(new SmtpReply(dataCode, "data " + dataCode));
      }
      return b.phase(SessionPhase.COMPLETE).build();
    };
  }
}
