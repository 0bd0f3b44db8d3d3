package org.dane4j.cli.demo;

import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import org.dane4j.testkit.TlsTestServer;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.FailureType;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j demo}: DANE for SMTP at work in a few seconds, offline and on loopback only. Mints a CA,
 * an issuing CA and a server certificate, serves them on 127.0.0.1, prints the TLSA records to publish,
 * then shows real TLS handshakes a {@link org.dane4j.tlsa.DaneTrustManager} accepts and refuses. Exits 0
 * when every handshake ended as it should, 1 otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"See DANE (RFC 7672) accept and refuse TLS servers: offline, on 127.0.0.1, no files.",
        "Mints certificates, starts a TLS server, prints the TLSA records to publish, then runs four"
            + " handshakes: two verified (3 1 1 and 2 1 1), a stale 3 1 1 after a botched key rollover and"
            + " a 2 1 1 for the wrong host name, both refused before any application byte is sent."})
public final class DemoCommand implements Callable<Integer> {
  private static final String OWNER = "_25._tcp." + DemoPki.HOST + ".";

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("dane4j demo: DANE for SMTP (RFC 7672), offline on 127.0.0.1");
    out.println();
    DemoPki pki = DemoPki.mint();
    TlsaRecord leafKey = spkiSha256(pki.leaf().certificate(), CertUsage.DANE_EE);
    TlsaRecord caKey = spkiSha256(pki.issuingCa().certificate(), CertUsage.DANE_TA);
    TlsaRecord staleKey = spkiSha256(pki.previousLeaf().certificate(), CertUsage.DANE_EE);
    try (TlsTestServer server = TlsTestServer.start(pki.leaf())) {
      out.println("Minted a root CA, an issuing CA and a certificate for " + DemoPki.HOST + ".");
      out.println("A TLS server on " + server.address().getAddress().getHostAddress() + ":" + server.port()
          + " presents the chain " + describe(pki.leaf().chain()) + ".");
      out.println();
      out.println("An administrator publishes, in a DNSSEC-signed zone:");
      out.println("  " + OWNER + " IN TLSA " + leafKey + "   ; DANE-EE: the server's key");
      out.println("  " + OWNER + " IN TLSA " + caKey + "   ; DANE-TA: the issuing CA's key");
      out.println();
      List<Scenario> scenarios = List.of(
          Scenario.verifies("(a) TLSA 3 1 1 of the server's key", leafKey, DemoPki.HOST, 0),
          Scenario.verifies("(b) TLSA 2 1 1 of the issuing CA (path and name checked)", caKey,
              DemoPki.HOST, 1),
          Scenario.fails("(c) a stale TLSA 3 1 1 of the previous key (a botched key rollover)", staleKey,
              DemoPki.HOST, FailureType.CERTIFICATE_NOT_TRUSTED),
          Scenario.fails("(d) TLSA 2 1 1, but the client expects other.dane4j.test", caKey,
              "other.dane4j.test", FailureType.CERTIFICATE_HOST_MISMATCH));
      out.println("TLS handshakes (TLSv1.3/1.2, SNI " + DemoPki.HOST + ") with a DaneTrustManager:");
      int asExpected = 0;
      for (Scenario scenario : scenarios) {
        asExpected += new ScenarioRun(scenario, server, out).run() ? 1 : 0;
      }
      out.println();
      out.println(asExpected + " of " + scenarios.size() + " scenarios ended as expected.");
      out.flush();
      return asExpected == scenarios.size() ? 0 : 1;
    }
  }

  private static TlsaRecord spkiSha256(X509Certificate certificate, CertUsage usage) {
    return TlsaRecord.of(certificate, usage, Selector.SPKI, MatchingType.SHA2_256);
  }

  private static String describe(List<X509Certificate> chain) {
    StringBuilder text = new StringBuilder();
    for (X509Certificate c : chain) {
      text.append(text.length() == 0 ? "" : " <- ").append('[').append(c.getSubjectX500Principal().getName())
          .append(']');
    }
    return text.toString();
  }
}
