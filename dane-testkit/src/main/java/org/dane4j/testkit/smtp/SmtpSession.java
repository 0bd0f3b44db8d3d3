package org.dane4j.testkit.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The server side of one SMTP connection (RFC 5321, RFC 3207 STARTTLS, RFC 2920 pipelining), run on its own
 * thread. Replies are written as each command is handled; everything is recorded in a {@link ConnectionRecord}
 * before the reply that a client could react to is sent, so a test that has seen a reply also sees its cause.
 */
final class SmtpSession implements Runnable {
  static final int MAX_LINE = 1000;
  static final long MAX_MESSAGE_SIZE = 10L * 1024 * 1024;
  static final int MAX_RECIPIENTS = 100;
  /** A TLS 1.2 record holding a fatal handshake_failure alert. */
  private static final byte[] HANDSHAKE_FAILURE_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

  private final SmtpTestServer server;
  private final Socket socket;
  private final ConnectionRecord record;
  private long readsBeforeTls; // the cleartext reads, so that the reads inside TLS are numbered after them
  private InputStream rawIn;
  private OutputStream rawOut;
  private LineInput input;
  private OutputStream output;
  private TlsChannel tls;
  private boolean rejecting;      // the greeting was not 2xx: only QUIT is served
  private boolean greeted;        // EHLO or HELO accepted since the start or since TLS began
  private boolean silent;         // never reply again
  private boolean closing;
  private boolean startTlsAnswered; // PIPELINED_STARTTLS_REPLY: the 220 went out with the EHLO reply
  private boolean cutOnce;          // STALL_MID_REPLY fired on this connection
  private volatile boolean abortive;   // close without a TLS close_notify
  private String mailFrom;
  private List<String> mailParameters = List.of();
  private final List<String> rcptTo = new ArrayList<>();
  private boolean rcptTried;
  private int accepted;
  private String authUser;          // the user AUTH succeeded with; null before (and after STARTTLS)

  SmtpSession(SmtpTestServer server, Socket socket, ConnectionRecord record) {
    this.server = server;
    this.socket = socket;
    this.record = record;
  }

  ConnectionRecord record() {
    return record;
  }

  /** Closes the socket at once (server shutdown); the session thread then ends. */
  void abort() {
    abortive = true;
    closeQuietly();
  }

  @Override
  public void run() {
    try {
      serve();
    } catch (IOException | RuntimeException e) {
      // the client went away, the server is closing, or a limit was crossed: end the session
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (tls != null && !abortive) {
        tls.closeOutbound();
      }
      closeQuietly();
      record.finish();
      server.sessionEnded(this);
    }
  }

  private void serve() throws IOException, InterruptedException {
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, server.idleTimeout().toMillis()));
    socket.setTcpNoDelay(true);
    rawIn = socket.getInputStream();
    rawOut = socket.getOutputStream();
    input = new LineInput(new RecordingInputStream(rawIn, record::cleartext), MAX_LINE);
    output = rawOut;
    if (server.hasFault(SmtpFault.NO_GREETING)) {
      record.fired(SmtpFault.NO_GREETING);
      silent = true;
    } else {
      String greeting = server.greeting();
      rejecting = !greeting.startsWith("2");
      reply(greeting);
    }
    while (!closing) {
      byte[] raw = input.readLine();
      if (raw == null) {
        return;
      }
      if (raw == LineInput.TOO_LONG) {
        if (!silent) {
          reply("500 5.5.2 Error: line too long");
        }
        continue;
      }
      String line = text(raw);
      record.command(line, input.reads());
      if (!silent && server.hasFault(SmtpFault.NEVER_REPLY_AFTER_GREETING)) {
        record.fired(SmtpFault.NEVER_REPLY_AFTER_GREETING);
        silent = true;
      }
      if (!silent) {
        handle(line);
      }
    }
  }

  private void handle(String line) throws IOException, InterruptedException {
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String args = space < 0 ? "" : line.substring(space + 1).trim();
    if (verb.isEmpty()) {
      reply("500 5.5.2 Error: bad syntax");
      return;
    }
    if (rejecting && !verb.equals("QUIT")) {
      reply("503 5.5.1 Error: this server rejected the connection, send QUIT");
      return;
    }
    if (!verb.equals(".") && server.isSilentOn(verb)) {
      silent = true;
      return;
    }
    server.awaitHold(verb);
    switch (verb) {
      case "EHLO":
        ehlo(args);
        break;
      case "HELO":
        helo(args);
        break;
      case "STARTTLS":
        startTls(args);
        break;
      case "MAIL":
        mail(args);
        break;
      case "RCPT":
        rcpt(args);
        break;
      case "DATA":
        data(args);
        break;
      case "RSET": {
        String reply = scriptedOr("RSET", "250 2.0.0 Ok");
        if (positive(reply)) {
          resetTransaction();
        }
        reply(reply);
        break;
      }
      case "NOOP":
        reply(scriptedOr("NOOP", "250 2.0.0 Ok"));
        break;
      case "QUIT":
        reply(scriptedOr("QUIT", "221 2.0.0 Bye"));
        closing = true;
        break;
      case "AUTH":
        if (server.authOffered() && server.scriptedReply("AUTH") == null) {
          auth(args);
        } else {
          reply(scriptedOr(verb, "502 5.5.1 Error: command not implemented"));
        }
        break;
      case "VRFY":
      case "EXPN":
      case "HELP":
      case "BDAT":
      case "ETRN":
      case "TURN":
        reply(scriptedOr(verb, "502 5.5.1 Error: command not implemented"));
        break;
      default:
        reply(scriptedOr(verb, "500 5.5.2 Error: command not recognized"));
        break;
    }
  }

  private void ehlo(String args) throws IOException, InterruptedException {
    String name = firstWord(args);
    if (name.isEmpty()) {
      reply("501 5.5.4 Syntax: EHLO hostname");
      return;
    }
    record.ehlo(name);
    List<String> lines = new ArrayList<>(List.of(server.hostname() + " greets " + name));
    if (server.pipelining()) {
      lines.add("PIPELINING");
    }
    lines.addAll(List.of("SIZE " + MAX_MESSAGE_SIZE, "8BITMIME", "ENHANCEDSTATUSCODES"));
    if (server.smtputf8()) {
      lines.add("SMTPUTF8");
    }
    if (tls != null && server.requireTls()) {
      lines.add("REQUIRETLS"); // RFC 8689 §2: only on a TLS session
    }
    if (server.authOffered() && (tls != null || server.authWithoutTls())) {
      lines.add("AUTH PLAIN LOGIN"); // RFC 4954 §3; in cleartext only when the test allowed it
    }
    if (tls == null) {
      if (server.hasFault(SmtpFault.NO_STARTTLS)) {
        record.fired(SmtpFault.NO_STARTTLS);
      } else {
        lines.add("STARTTLS");
      }
    }
    StringBuilder capabilities = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      capabilities.append(i == 0 ? "" : "\r\n").append(i < lines.size() - 1 ? "250-" : "250 ").append(lines.get(i));
    }
    String reply = scriptedOr("EHLO", capabilities.toString());
    if (positive(reply)) {
      greeted = true;
      resetTransaction();
    }
    if (tls == null && positive(reply) && server.hasFault(SmtpFault.PIPELINED_STARTTLS_REPLY)) {
      record.fired(SmtpFault.PIPELINED_STARTTLS_REPLY);
      startTlsAnswered = true;
      write(reply + "\r\n" + scriptedOr("STARTTLS", "220 2.0.0 Ready to start TLS") + "\r\n"); // one segment
      return;
    }
    reply(reply);
  }

  private void helo(String args) throws IOException, InterruptedException {
    String name = firstWord(args);
    if (name.isEmpty()) {
      reply("501 5.5.4 Syntax: HELO hostname");
      return;
    }
    record.ehlo(name);
    String reply = scriptedOr("HELO", "250 " + server.hostname());
    if (positive(reply)) {
      greeted = true;
      resetTransaction();
    }
    reply(reply);
  }

  private void startTls(String args) throws IOException, InterruptedException {
    if (tls != null) {
      reply("554 5.5.1 Error: TLS already active");
      return;
    }
    if (server.hasFault(SmtpFault.NO_STARTTLS)) {
      record.fired(SmtpFault.NO_STARTTLS);
      reply("502 5.5.1 Error: command not implemented");
      return;
    }
    if (!args.isEmpty()) {
      reply("501 5.5.4 Syntax: STARTTLS");
      return;
    }
    if (!greeted) {
      reply("503 5.5.1 Error: send HELO/EHLO first");
      return;
    }
    if (mailFrom != null) {
      reply("503 5.5.1 Error: MAIL transaction in progress");
      return;
    }
    if (server.hasFault(SmtpFault.REFUSE_STARTTLS)) {
      record.fired(SmtpFault.REFUSE_STARTTLS);
      reply("454 4.7.0 TLS not available");
      return;
    }
    String ready = scriptedOr("STARTTLS", "220 2.0.0 Ready to start TLS");
    if (!ready.startsWith("2")) {
      reply(ready);
      return;
    }
    // RFC 3207 §4.2 / CVE-2011-0411: plaintext pipelined after STARTTLS is never acted on
    byte[] pipelined = input.drainBuffered();
    if (pipelined.length > 0) {
      record.discardedAfterStartTls(pipelined);
    }
    readsBeforeTls = input.reads();
    input = null;
    if (startTlsAnswered) {
      // PIPELINED_STARTTLS_REPLY: the 220 went out with the EHLO reply; straight to the handshake
    } else if (server.hasFault(SmtpFault.INJECT_AFTER_STARTTLS)) {
      record.fired(SmtpFault.INJECT_AFTER_STARTTLS);
      write(ready + "\r\n" + server.injection());   // one write: one TCP segment
    } else {
      reply(ready);
    }
    if (server.hasFault(SmtpFault.STALL_HANDSHAKE)) {
      record.fired(SmtpFault.STALL_HANDSHAKE);
      stallHandshake();
      return;
    }
    if (server.hasFault(SmtpFault.HANDSHAKE_FAIL)) {
      record.fired(SmtpFault.HANDSHAKE_FAIL);
      failHandshake();
      return;
    }
    handshake();
  }

  /** Reads and records what the client sends (its ClientHello, ...), never answering, until it closes. */
  private void stallHandshake() {
    byte[] buffer = new byte[1 << 14];
    try {
      for (int n = rawIn.read(buffer); n >= 0; n = rawIn.read(buffer)) {
        record.handshake(buffer, 0, n);
      }
    } catch (IOException e) {
      // the idle timeout passed, or the client is gone
    }
    record.handshakeFailed("STALL_HANDSHAKE fault: the handshake was never answered");
    closing = true;
    abortive = true;
  }

  /** Reads the client's first TLS record (or whatever it sends), then answers with a fatal alert and closes. */
  private void failHandshake() throws IOException {
    byte[] buffer = new byte[1 << 15];
    int length = 0;
    try {
      while (length < buffer.length) {
        int n = rawIn.read(buffer, length, buffer.length - length);
        if (n < 0) {
          break;
        }
        length += n;
        boolean tlsRecord = (buffer[0] & 0xff) == 0x16;
        int recordLength = length >= 5 ? 5 + ((buffer[3] & 0xff) << 8 | (buffer[4] & 0xff)) : Integer.MAX_VALUE;
        if (!tlsRecord || length >= recordLength) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      // record what came
    }
    record.handshake(buffer, 0, length);
    record.handshakeFailed("HANDSHAKE_FAIL fault: answered with a fatal handshake_failure alert");
    try {
      rawOut.write(HANDSHAKE_FAILURE_ALERT);
      rawOut.flush();
    } catch (IOException e) {
      // the client is gone already
    }
    closing = true;
    abortive = true;
  }

  private void handshake() {
    SSLEngine engine = server.newEngine(socket, record);
    TlsChannel channel = new TlsChannel(engine, rawIn, rawOut, record::handshake);
    try {
      channel.handshake();
    } catch (IOException | RuntimeException e) {
      record.handshakeFailed(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
      channel.closeOutbound();   // sends the engine's pending alert, if any
      closing = true;
      abortive = true;
      return;
    }
    SSLSession session = channel.session();
    if (session instanceof javax.net.ssl.ExtendedSSLSession extended) {
      extended.getRequestedServerNames().stream()
          .filter(name -> name instanceof javax.net.ssl.SNIHostName)
          .findFirst()
          .ifPresent(name -> record.sniName(((javax.net.ssl.SNIHostName) name).getAsciiName()));
    }
    record.tlsEstablished(session.getProtocol(), session.getCipherSuite());
    tls = channel;
    input = new LineInput(new RecordingInputStream(channel.input(), record::tls), MAX_LINE, readsBeforeTls);
    output = channel.output();
    greeted = false;   // RFC 3207 §4.2: forget everything, the client must EHLO again
    authUser = null;
    record.authenticated(null, null);
    resetTransaction();
  }

  private void mail(String args) throws IOException, InterruptedException {
    if (!greeted) {
      reply("503 5.5.1 Error: send HELO/EHLO first");
      return;
    }
    if (mailFrom != null) {
      reply("503 5.5.1 Error: nested MAIL command");
      return;
    }
    server.mailCommandReceived("MAIL " + args);
    if (server.authOffered() && authUser == null) {
      reply("530 5.7.0 Authentication required"); // RFC 4954 §6: a relay that takes mail only after AUTH
      return;
    }
    Path path = Path.parse(args, "FROM:");
    if (path == null) {
      reply("501 5.5.4 Syntax: MAIL FROM:<address>");
      return;
    }
    for (String parameter : path.parameters) {
      int eq = parameter.indexOf('=');
      String key = (eq < 0 ? parameter : parameter.substring(0, eq)).toUpperCase(Locale.ROOT);
      String value = eq < 0 ? "" : parameter.substring(eq + 1);
      if (key.equals("SIZE")) {
        if (!value.matches("[0-9]{1,19}")) {
          reply("501 5.5.4 Bad SIZE parameter");
          return;
        }
        if (Long.parseLong(value) > MAX_MESSAGE_SIZE) {
          reply("552 5.3.4 Message size exceeds fixed limit");
          return;
        }
      } else if (key.equals("BODY")) {
        if (!value.equalsIgnoreCase("7BIT") && !value.equalsIgnoreCase("8BITMIME")) {
          reply("501 5.5.4 Unsupported BODY parameter");
          return;
        }
      } else if (key.equals("REQUIRETLS") && value.isEmpty() && server.requireTls() && tls != null) {
        continue; // RFC 8689 §2: accepted only where offered
      } else if (!(key.equals("SMTPUTF8") && value.isEmpty() && server.smtputf8())) {
        reply("555 5.5.4 Unsupported option: " + key);
        return;
      }
    }
    String reply = scriptedOr("MAIL", "250 2.1.0 Ok");
    if (positive(reply)) {
      mailParameters = List.copyOf(path.parameters);
      mailFrom = path.address;
      rcptTo.clear();
      rcptTried = false;
    }
    reply(reply);
  }

  private void rcpt(String args) throws IOException, InterruptedException {
    if (mailFrom == null) {
      reply("503 5.5.1 Error: need MAIL command");
      return;
    }
    Path path = Path.parse(args, "TO:");
    if (path == null || path.address.isEmpty()) {
      reply("501 5.5.4 Syntax: RCPT TO:<address>");
      return;
    }
    if (!path.parameters.isEmpty()) {
      reply("555 5.5.4 Unsupported option: " + path.parameters.get(0));
      return;
    }
    rcptTried = true;
    if (rcptTo.size() >= MAX_RECIPIENTS) {
      reply("452 4.5.3 Error: too many recipients");
      return;
    }
    String configured = server.recipientReply(path.address);
    String reply = configured != null ? configured : scriptedOr("RCPT", "250 2.1.5 Ok");
    if (positive(reply)) {
      rcptTo.add(path.address);
    }
    reply(reply);
  }

  private void data(String args) throws IOException, InterruptedException {
    if (!args.isEmpty()) {
      reply("501 5.5.4 Syntax: DATA");
      return;
    }
    if (mailFrom == null) {
      reply("503 5.5.1 Error: need MAIL command");
      return;
    }
    if (rcptTo.isEmpty() && rcptTried && server.dataWithoutRecipients()) {
      reply("354 End data with <CR><LF>.<CR><LF>");
      receiveMessage(); // answers 554 and keeps nothing: there is no recipient
      return;
    }
    if (rcptTo.isEmpty()) {
      reply(rcptTried ? "554 5.5.1 Error: no valid recipients" : "503 5.5.1 Error: need RCPT command");
      return;
    }
    String go = scriptedOr("DATA", "354 End data with <CR><LF>.<CR><LF>");
    reply(go);
    if (go.startsWith("3")) {
      receiveMessage();
    }
  }

  /** Reads the message up to CRLF.CRLF, dot-unstuffing, then answers the end of data. */
  private void receiveMessage() throws IOException, InterruptedException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    boolean tooBig = false;
    boolean tooLong = false;
    boolean afterCrlf = true;   // the CRLF ending the DATA command starts the first line
    while (true) {
      byte[] line = input.readLine();
      if (line == null) {
        closing = true;
        return;
      }
      if (server.hasFault(SmtpFault.DROP_MID_DATA)) {
        record.fired(SmtpFault.DROP_MID_DATA);
        closing = true;
        abortive = true;
        return;
      }
      if (line == LineInput.TOO_LONG) {
        tooLong = true;
        afterCrlf = true;
        continue;
      }
      if (afterCrlf && line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n') {
        break;
      }
      int from = line[0] == '.' ? 1 : 0;
      if (!tooBig && data.size() + (long) (line.length - from) > MAX_MESSAGE_SIZE) {
        tooBig = true;
        data.reset();
      }
      if (!tooBig) {
        data.write(line, from, line.length - from);
      }
      afterCrlf = line.length >= 2 && line[line.length - 2] == '\r';
    }
    server.awaitHold(".");
    String reply;
    if (tooLong) {
      reply = "500 5.5.2 Error: line too long";
    } else if (tooBig) {
      reply = "552 5.3.4 Error: message too big";
    } else if (rcptTo.isEmpty()) {
      reply = "554 5.5.1 Error: no valid recipients"; // acceptDataWithoutRecipients: nothing is kept
    } else if (server.isSilentOn(".")) {
      silent = true;
      resetTransaction();
      return;
    } else {
      accepted++;
      reply = scriptedOr(".", "250 2.0.0 Ok: queued as " + record.id() + "." + accepted);
    }
    if (positive(reply)) {
      server.messageAccepted(new ReceivedMessage(record.id(), mailFrom, rcptTo, data.toByteArray(), tls != null,
          record.tlsProtocol(), record.cipherSuite(), tls != null ? record.sniName() : null, record.ehloNames(),
          mailParameters, authUser));
    }
    resetTransaction();
    reply(reply);
  }

  /**
   * AUTH (RFC 4954) with PLAIN (RFC 4616) or LOGIN, an initial response allowed; only inside TLS unless the
   * server allows AUTH without TLS (538 otherwise, RFC 4954 §6). The continuation lines are read here (their
   * bytes are recorded as all bytes are, but not as commands).
   */
  private void auth(String args) throws IOException, InterruptedException {
    if (!greeted) {
      reply("503 5.5.1 Error: send HELO/EHLO first");
      return;
    }
    if (authUser != null) {
      reply("503 5.5.1 Error: already authenticated");
      return;
    }
    if (mailFrom != null) {
      reply("503 5.5.1 Error: MAIL transaction in progress");
      return;
    }
    String[] words = args.trim().split(" +");
    String mechanism = words[0].toUpperCase(Locale.ROOT);
    if (mechanism.isEmpty() || words.length > 2) {
      reply("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
      return;
    }
    if (tls == null && !server.authWithoutTls()) {
      reply("538 5.7.11 Encryption required for requested authentication mechanism");
      return;
    }
    String initial = words.length > 1 ? (words[1].equals("=") ? "" : words[1]) : null;
    String user;
    String password;
    if (mechanism.equals("PLAIN")) {
      String response = initial != null ? initial : challenge("");
      byte[] decoded = response == null ? null : base64(response);
      if (decoded == null) {
        return;
      }
      String[] fields = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
      if (fields.length != 3 || !(fields[0].isEmpty() || fields[0].equals(fields[1]))) {
        reply("535 5.7.8 Authentication credentials invalid");
        return;
      }
      user = fields[1];
      password = fields[2];
    } else if (mechanism.equals("LOGIN")) {
      String name = initial != null ? initial : challenge("VXNlcm5hbWU6"); // "Username:"
      byte[] decodedName = name == null ? null : base64(name);
      if (decodedName == null) {
        return;
      }
      String secret = challenge("UGFzc3dvcmQ6"); // "Password:"
      byte[] decodedSecret = secret == null ? null : base64(secret);
      if (decodedSecret == null) {
        return;
      }
      user = new String(decodedName, StandardCharsets.UTF_8);
      password = new String(decodedSecret, StandardCharsets.UTF_8);
    } else {
      reply("504 5.5.4 Unrecognized authentication type");
      return;
    }
    if (!server.credentialsValid(user, password)) {
      reply("535 5.7.8 Authentication credentials invalid");
      return;
    }
    authUser = user;
    record.authenticated(user, mechanism);
    reply("235 2.7.0 Authentication successful");
  }

  /**
   * Sends {@code 334 challenge} and reads the client's response line; null (after replying, or at the end of
   * the connection) when there is none to use: {@code *} cancels (501), a line too long gets 500.
   */
  private String challenge(String challenge) throws IOException, InterruptedException {
    reply("334 " + challenge);
    byte[] raw = input.readLine();
    if (raw == null) {
      closing = true;
      return null;
    }
    if (raw == LineInput.TOO_LONG) {
      reply("500 5.5.2 Error: line too long");
      return null;
    }
    String line = text(raw).trim();
    if (line.equals("*")) {
      reply("501 5.7.0 Authentication cancelled");
      return null;
    }
    return line;
  }

  /** The base64 text decoded, or null after replying 501 when it is not base64. */
  private byte[] base64(String text) throws IOException, InterruptedException {
    try {
      return java.util.Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      reply("501 5.5.2 Cannot decode response");
      return null;
    }
  }

  private void resetTransaction() {
    mailFrom = null;
    rcptTo.clear();
    rcptTried = false;
  }

  private String scriptedOr(String verb, String normal) {
    String scripted = server.scriptedReply(verb);
    return scripted != null ? scripted : normal;
  }

  private static boolean positive(String reply) {
    return reply.startsWith("2") || reply.startsWith("3");
  }

  /** Sends a reply (lines separated by CRLF, without the final CRLF), after the configured delay. */
  private void reply(String reply) throws IOException, InterruptedException {
    write(reply + "\r\n");
  }

  private void write(String text) throws IOException, InterruptedException {
    if (server.hasFault(SmtpFault.SLOW_REPLIES)) {
      record.fired(SmtpFault.SLOW_REPLIES);
      Duration delay = server.replyDelay();
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
    }
    if (server.hasFault(SmtpFault.ENDLESS_REPLY) || server.hasFault(SmtpFault.ENDLESS_LINE)) {
      flood(text.length() >= 3 ? text.substring(0, 3) : "250");
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int crlf = text.indexOf("\r\n");
    int firstLine = crlf < 0 ? 0 : text.substring(0, crlf + 2).getBytes(StandardCharsets.UTF_8).length;
    if (!cutOnce && firstLine > 0 && firstLine < bytes.length && server.hasFault(SmtpFault.STALL_MID_REPLY)) {
      record.fired(SmtpFault.STALL_MID_REPLY);
      cutOnce = true;
      silent = true;
      bytes = java.util.Arrays.copyOf(bytes, firstLine);
    }
    send(bytes);
  }

  /**
   * Writes bytes, one at a time with a pause between them under {@link SmtpFault#TRICKLE_REPLIES}; counts them
   * in the record as each write starts.
   */
  private void send(byte[] bytes) throws IOException, InterruptedException {
    if (server.hasFault(SmtpFault.TRICKLE_REPLIES)) {
      record.fired(SmtpFault.TRICKLE_REPLIES);
      for (byte b : bytes) {
        record.sent(1);
        output.write(b);
        output.flush();
        Thread.sleep(server.trickleInterval().toMillis());
      }
      return;
    }
    record.sent(bytes.length); // counted as the write starts: what the server offered
    output.write(bytes);
    output.flush();
  }

  /** {@link SmtpFault#ENDLESS_REPLY} / {@link SmtpFault#ENDLESS_LINE}: writes until the client goes away. */
  private void flood(String code) throws IOException, InterruptedException {
    boolean lines = server.hasFault(SmtpFault.ENDLESS_REPLY);
    record.fired(lines ? SmtpFault.ENDLESS_REPLY : SmtpFault.ENDLESS_LINE);
    socket.setSendBufferSize(1 << 20); // the kernel takes the flood as fast as it is written, reader or not
    if (!lines) {
      send((code + " ").getBytes(StandardCharsets.US_ASCII));
    }
    String unit = lines ? code + "-flood " + "f".repeat(52) + "\r\n" : "x".repeat(64); // 64 bytes
    byte[] piece = unit.repeat(1024).getBytes(StandardCharsets.US_ASCII);  // 64 KiB a write
    long written = 0;
    while (written < SmtpTestServer.MAX_FLOOD) {
      send(piece);
      written += piece.length;
    }
    closing = true;
    abortive = true;
    throw new IOException("flood of " + written + " bytes written; closing");
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static String text(byte[] line) {
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
      if (end > 0 && line[end - 1] == '\r') {
        end--;
      }
    }
    return new String(line, 0, end, StandardCharsets.UTF_8);
  }

  private static String firstWord(String args) {
    int space = args.indexOf(' ');
    return space < 0 ? args : args.substring(0, space);
  }

  /** A reverse- or forward-path argument: {@code FROM:<address> PARAM=value ...}. */
  private static final class Path {
    final String address;
    final List<String> parameters;

    private Path(String address, List<String> parameters) {
      this.address = address;
      this.parameters = parameters;
    }

    /** Parses {@code args} after its keyword ({@code FROM:} or {@code TO:}); null when malformed. */
    static Path parse(String args, String keyword) {
      if (!args.regionMatches(true, 0, keyword, 0, keyword.length())) {
        return null;
      }
      String rest = args.substring(keyword.length()).stripLeading();
      int close = rest.indexOf('>');
      if (!rest.startsWith("<") || close < 0) {
        return null;
      }
      String address = rest.substring(1, close);
      if (address.contains("<") || address.contains(" ")) {
        return null;
      }
      List<String> parameters = new ArrayList<>();
      for (String parameter : rest.substring(close + 1).trim().split(" +")) {
        if (!parameter.isEmpty()) {
          parameters.add(parameter);
        }
      }
      return new Path(address, parameters);
    }
  }
}
