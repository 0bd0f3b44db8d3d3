package org.dane4j.cli.tlsa;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.dane4j.cli.CommandException;
import org.dane4j.cli.ExitCodes;
import org.dane4j.cli.OneLineErrors;
import org.dane4j.tlsa.CertUsage;
import org.dane4j.tlsa.MatchingType;
import org.dane4j.tlsa.Selector;
import org.dane4j.tlsa.TlsaRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dane4j tlsa create}: the TLSA record for a certificate file, a drop-in for hash-slinger's
 * {@code tlsa --create --certificate FILE}: same options, same defaults (port 443, usage 3, selector 0,
 * matching type 1, tcp, rfc) and the same lines on stdout, the certificate info line included.
 *
 * <p>{@code --smtp} prints the pair of NCSC FS-2017-01 instead ({@link SmtpPairOutput}): {@code 3 1 1} of the
 * leaf and {@code 2 1 1} of the issuing CA at port 25 (RFC 7672 §3.1), and with {@code --current} the
 * {@code 3 1 1} of the key in service, to keep during the rollover (RFC 7671 §8).
 *
 * <p>Differences, all deliberate: errors go to stderr with exit 64 for a wrong command line and 66 for a
 * certificate file that cannot be read or holds no certificate ({@link ExitCodes}, as every other
 * command), where hash-slinger prints them on stdout and exits 0; no "[y/N]" prompts for a chain (see
 * {@code --ca-depth}); usage 2 of a certificate that is not a CA is refused (exit 64) unless {@code --force},
 * since such a record never authenticates (RFC 7671 §5.2.2); {@code --output both} prints the generic then the RFC form (hash-slinger prints the RFC form twice);
 * no PKIX check of the file with {@code openssl verify} for usages 0 and 1, so no "Following error was
 * raised during PKIX validation" line; no fetching the certificate from the server.
 */
@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
    exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.SOFTWARE,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {" 0:the record was printed", "64:wrong command line (an option's value, the host name, --ca-depth"
        + " beyond the file's chain, usage 2 of a certificate that is not a CA without --force)",
        "66:the certificate file cannot be read or does not hold what it should (no certificate; with --smtp no"
            + " issuing CA after the server's certificate)",
        "70:internal error"},
    description = {"Print the TLSA record that publishes a certificate, as hash-slinger's"
        + " 'tlsa --create --certificate FILE' does: same options, defaults and output."},
    footer = {"", "Which certificate of a chain file: usages 1 and 3 publish the first (the server's own);"
        + " usages 0 and 2 publish the last (the top of the chain), or the one at --ca-depth."
        + " For SMTP (RFC 7672) only usage 3 (DANE-EE) and 2 (DANE-TA) count; publish '3 1 1'.",
        "", "As with hash-slinger, stdout first says which certificate was used; the record lines start"
            + " with '_' (or '*').",
        "", "Differences from hash-slinger 3.1: errors go to stderr, exit 64 for a wrong command line and 66"
            + " for a certificate file that cannot be read or holds no certificate;"
            + " no [y/N] prompts for a chain (use --ca-depth); --output both prints the generic, then the RFC"
            + " line (hash-slinger prints the RFC line twice); no 'openssl verify' PKIX line for usages 0"
            + " and 1; the certificate is never fetched from the server; usage 2 of a certificate that is not a"
            + " CA is refused (it never authenticates) unless --force; --smtp, --current and --force are ours.",
        "", "Example: dane4j tlsa create --smtp --certificate fullchain.pem mx.example.com",
        "  ; DANE for SMTP (RFC 7672), as NCSC FS-2017-01 asks: publish both records",
        "  ; 3 1 1: the server's key, Subject: /CN=mx.example.com",
        "  _25._tcp.mx.example.com. IN TLSA 3 1 1 <SHA-256 of the server's key, hex>",
        "  ; 2 1 1: the issuing CA's key, Subject: /C=US/O=Let's Encrypt/CN=R11",
        "  _25._tcp.mx.example.com. IN TLSA 2 1 1 <SHA-256 of the CA's key, hex>",
        "", "Example: dane4j tlsa create -p 25 -s 1 --certificate cert.pem mx.example.com",
        "  Got a certificate for mx.example.com. with Subject: /CN=mx.example.com",
        "  _25._tcp.mx.example.com. IN TLSA 3 1 1 <SHA-256 of the key, hex>"})
public final class TlsaCreateCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  private int usage;
  private int selector;
  private int mtype;
  private String port;
  private Integer caDepth;
  private OutputForm output;
  private Transport protocol;

  @Option(names = {"--certificate"}, order = 1, required = true, paramLabel = "FILE",
      description = "PEM file with the server's certificate, or its chain (leaf first).")
  private Path certificate;

  @Parameters(paramLabel = "HOST", description = "The server's host name, e.g. mx.example.com.")
  private String host;

  @Option(names = {"--usage", "-u"}, order = 2, defaultValue = "3", paramLabel = "N",
      description = "Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE"
          + " (default: ${DEFAULT-VALUE}).")
  void usage(int value) {
    usage = inRange("--usage", value, 3);
  }

  @Option(names = {"--selector", "-s"}, order = 3, defaultValue = "0", paramLabel = "N",
      description = "Selector: 0 whole certificate, 1 SubjectPublicKeyInfo (default: ${DEFAULT-VALUE}).")
  void selector(int value) {
    selector = inRange("--selector", value, 1);
  }

  @Option(names = {"--mtype", "-m"}, order = 4, defaultValue = "1", paramLabel = "N",
      description = "Matching type: 0 full data, 1 SHA-256, 2 SHA-512 (default: ${DEFAULT-VALUE}).")
  void mtype(int value) {
    mtype = inRange("--mtype", value, 2);
  }

  @Option(names = {"--port", "-p"}, order = 5, defaultValue = "443", paramLabel = "PORT",
      description = "Port 1..65535, or * for a wildcard owner (default: ${DEFAULT-VALUE}; SMTP: 25).")
  void port(String value) {
    port = value;
  }

  @Option(names = {"--output", "-o"}, order = 7, defaultValue = "rfc", paramLabel = "FORM",
      description = "rfc (TLSA), generic (RFC 3597, TYPE52) or both (default: ${DEFAULT-VALUE}).")
  void output(String value) {
    output = oneOf("--output", value, OutputForm.values());
  }

  @Option(names = {"--protocol"}, order = 6, defaultValue = "tcp", paramLabel = "PROTO",
      description = "tcp, udp or sctp (default: ${DEFAULT-VALUE}).")
  void protocol(String value) {
    protocol = oneOf("--protocol", value, Transport.values());
  }

  @Option(names = {"--ca-depth"}, order = 8, paramLabel = "N", description = "Usages 0 and 2: publish the"
      + " certificate at this position in the file, 0 being the first (default: the last; with --smtp: 1).")
  void caDepth(int value) {
    if (value < 0) {
      throw new ParameterException(spec.commandLine(), "--ca-depth must be 0 or more, got " + value);
    }
    caDepth = value;
  }

  @Option(names = {"--smtp"}, order = 9, description = "The pair NCSC FS-2017-01 asks of a mail server, in"
      + " one run: '3 1 1' of the server's key and '2 1 1' of the issuing CA's key (the certificate right"
      + " after the leaf in the file, or the one at --ca-depth), port 25, as zone-file lines with comments."
      + " Not with --usage, --selector, --mtype, --port or --protocol.")
  private boolean smtp;

  @Option(names = {"--current"}, order = 10, paramLabel = "FILE", description = "With --smtp: PEM file of the"
      + " certificate now in service; also prints the '3 1 1' of its key, to keep during the rollover.")
  private Path current;

  @Option(names = {"--force"}, order = 11, description = "Print a '2 x x' record even of a certificate that is"
      + " not a CA (it never authenticates; a warning goes to stderr).")
  private boolean force;

  @Override
  public Integer call() {
    if (smtp) {
      return smtp();
    }
    if (current != null) {
      throw new ParameterException(spec.commandLine(), "--current applies to --smtp only");
    }
    TlsaOwner owner;
    try {
      owner = TlsaOwner.parse(host, port, protocol);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, host);
    }
    if (caDepth != null && (usage == 1 || usage == 3)) {
      throw new ParameterException(spec.commandLine(), "--ca-depth applies to usages 0 and 2; usage "
          + usage + " always publishes the first certificate");
    }
    List<X509Certificate> chain = CertificateFile.read(certificate);
    int index = CertificatePick.index(chain, usage, caDepth, force);
    TlsaRecord record;
    try {
      record = TlsaRecord.of(chain.get(index), CertUsage.of(usage), Selector.of(selector),
          MatchingType.of(mtype));
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.NO_INPUT, OneLineErrors.echo(certificate) + ": " + e.getMessage(), e);
    }
    if (usage == 2) { // only reached with --force when it is not a CA
      CertificatePick.notDaneTa(chain, index).ifPresent(this::warn);
    }
    spec.commandLine().getOut().print(TlsaCreateOutput.of(owner, chain, index, record, output));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** {@code --smtp}: the 3 1 1 + 2 1 1 pair at port 25, and the current key's 3 1 1 with {@code --current}. */
  private int smtp() {
    for (String option : List.of("--usage", "--selector", "--mtype", "--port", "--protocol")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(spec.commandLine(), "--smtp publishes '3 1 1' and '2 1 1' at port 25 over"
            + " tcp; drop " + option);
      }
    }
    TlsaOwner owner;
    try {
      owner = TlsaOwner.parse(host, "25", Transport.TCP);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, host);
    }
    if (caDepth != null && caDepth == 0) {
      throw new ParameterException(spec.commandLine(), "--ca-depth 0 is the server's own certificate; with"
          + " --smtp the 2 1 1 is of a CA above it (1 is the issuing CA)");
    }
    List<X509Certificate> chain = CertificateFile.read(certificate);
    String name = OneLineErrors.echo(certificate);
    if (chain.size() < 2) {
      throw new CommandException(ExitCodes.NO_INPUT, name + " holds only the certificate of the server, but"
          + " --smtp needs the chain file (e.g. fullchain.pem): the certificate of the server first, then the"
          + " issuing CA, whose key the 2 1 1 record publishes", null);
    }
    int index = CertificatePick.index(chain, 2, caDepth == null ? 1 : caDepth, force);
    X509Certificate leaf = chain.get(0);
    X509Certificate issuer = chain.get(1);
    try {
      leaf.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CommandException(ExitCodes.NO_INPUT, name + ": certificate 1 ("
          + OneLineErrors.echo(OneLineName.of(issuer.getSubjectX500Principal())) + ") did not issue the"
          + " certificate of the server, 0 (" + OneLineErrors.echo(OneLineName.of(leaf.getSubjectX500Principal()))
          + "): --smtp needs the issuing CA right after the certificate of the server, as in fullchain.pem", e);
    }
    CertificatePick.notDaneTa(chain, index).ifPresent(this::warn); // only reached with --force
    X509Certificate now = null;
    if (current != null) {
      try {
        now = CertificateFile.read(current).get(0);
      } catch (CommandException e) {
        throw new CommandException(ExitCodes.NO_INPUT, "--current: " + e.getMessage(), e);
      }
    }
    String text;
    try {
      text = SmtpPairOutput.of(owner, leaf, chain.get(index), now, output);
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.NO_INPUT, name + ": " + e.getMessage(), e);
    }
    spec.commandLine().getOut().print(text);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private void warn(String why) {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": warning: " + OneLineErrors.line(why));
    spec.commandLine().getErr().flush();
  }

  /** The constant whose lower-case name is {@code value}; hash-slinger's choices are lower case only. */
  private <E extends Enum<E>> E oneOf(String option, String value, E[] constants) {
    for (E constant : constants) {
      if (constant.toString().equals(value)) {
        return constant;
      }
    }
    throw new ParameterException(spec.commandLine(), option + " must be one of "
        + Arrays.stream(constants).map(Object::toString).collect(Collectors.joining(", "))
        + "; got \"" + OneLineErrors.echo(value) + "\"");
  }

  private int inRange(String option, int value, int max) {
    if (value < 0 || value > max) {
      throw new ParameterException(spec.commandLine(), option + " must be 0.." + max + ", got " + value);
    }
    return value;
  }
}
