package org.dane4j.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's verdict on a destination: {@code posttls-finger -l dane} (with the SMTP chat: without it a server that offers no STARTTLS
 * leaves no trace) run in a private mount namespace whose
 * /etc/resolv.conf (bind-mounted, the real one untouched) points at the lab's unbound with {@code options
 * trust-ad}.
 */
final class PosttlsFinger {
  private PosttlsFinger() {}

  /** Runs posttls-finger and returns its output. */
  static String run(Lab lab, String domain) throws IOException, InterruptedException {
    String script = "mount --bind \"$1\" /etc/resolv.conf && exec posttls-finger -l dane -t 5 -T 15 \"$2\"";
    ProcessBuilder pb = new ProcessBuilder(List.of("unshare", "-m", "sh", "-c", script, "sh",
        lab.resolvConf().toString(), domain)).redirectErrorStream(true);
    pb.environment().put("MAIL_CONFIG", lab.postfixConfig().toString());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("posttls-finger " + domain + " did not finish within 60 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || out.contains("mount:") || out.contains("unshare:")) {
      fail("posttls-finger " + domain + " could not run (exit " + p.exitValue() + "; needs root and "
          + "util-linux unshare):\n" + out);
    }
    return out;
  }

  /**
   * Postfix's verdict (posttls-finger probes the first MX host only) in the classes the test compares: {@code dane-verified}, {@code dane-trusted} (DANE matched behind an insecure MX RRset), {@code dane-failed},
   * {@code dane-failed(no-starttls)} (EHLO answered without STARTTLS: no session; the probe shows the chat, so
   * -c is not used), {@code encrypt} (TLSA present but all records unusable: Postfix logs "unsupported TLSA" and connects
   * unauthenticated), {@code opportunistic}, {@code unusable} (TLSA lookup error: no session), {@code nullmx} (RFC 7505 null MX).
   */
  static String verdict(Lab lab, String domain) throws IOException, InterruptedException {
    String out = run(lab, domain);
    if (out.contains("TLSA lookup error") || out.contains("TLSA lookup problem")) {
      return "unusable";
    }
    if (out.contains("does not accept mail (nullMX)")) {
      return "nullmx";
    }
    if (out.contains("Verified TLS connection established") && out.contains("Matched DANE")) {
      return "dane-verified";
    }
    if (out.contains("Trusted TLS connection established") && out.contains("Matched DANE")) {
      return "dane-trusted"; // DANE matched, but the MX RRset was insecure ("MX RRset insecure: log verified as trusted")
    }
    if (out.contains("no matching DANE TLSA records") || out.contains("server certificate verification failed")) {
      return "dane-failed";
    }
    boolean established = out.contains("TLS connection established");
    if (!established && out.contains("< 250 ") && !out.contains("STARTTLS")) {
      return "dane-failed(no-starttls)";
    }
    if (established && out.contains("unsupported TLSA")) {
      return "encrypt";
    }
    if (established) {
      return "opportunistic";
    }
    return "unclassified: " + out;
  }
}
