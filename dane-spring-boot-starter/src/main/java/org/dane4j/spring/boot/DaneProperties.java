package org.dane4j.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dane4j.smtp.DaneMode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code dane4j.*} properties of the Spring Boot starter (RFC 7672; the same settings as the builders of
 * {@code DaneResolver} and {@code DaneMailer}, and the {@code mail.smtp.dane.*} properties of relay mode).
 */
@ConfigurationProperties(prefix = "dane4j")
public class DaneProperties {
  /**
   * The policy for every destination (RFC 7672 §2.2): dane (DANE where published, else opportunistic TLS),
   * dane-only (refuse without DANE), encrypt (TLS always, unauthenticated), may (opportunistic TLS).
   */
  private DaneMode mode = DaneMode.DANE;

  private final Resolver resolver = new Resolver();
  private final Mailer mailer = new Mailer();
  private final Relay relay = new Relay();
  private final Health health = new Health();
  private final MtaSts mtaSts = new MtaSts();

  public DaneMode getMode() {
    return mode;
  }

  public void setMode(DaneMode mode) {
    this.mode = mode;
  }

  public Resolver getResolver() {
    return resolver;
  }

  public Mailer getMailer() {
    return mailer;
  }

  public Relay getRelay() {
    return relay;
  }

  public Health getHealth() {
    return health;
  }

  public MtaSts getMtaSts() {
    return mtaSts;
  }

  /**
   * MTA-STS (RFC 8461) for the {@code DaneMailer} bean: the {@code MtaSts} bean, made when {@code enabled} is
   * true; DANE still comes first on every MX host that has it.
   */
  public static class MtaSts {
    /**
     * Apply MTA-STS policies (RFC 8461) besides DANE, DANE first per MX host. Off by default, as in the
     * DaneMailer builder: a policy fetch is an HTTPS request to a host the recipient domain names.
     */
    private boolean enabled;
    /**
     * The file that keeps policies between restarts (RFC 8461 §5.1; created if missing). Default: in memory
     * only. A StsPolicyCache bean of the application (e.g. StsPolicyCache.jdbc(dataSource) for a fleet) is used
     * instead when there is one.
     */
    private java.nio.file.Path cache;
    /**
     * PEM certificates trusted besides the JDK's trust store for the policy fetch and the WebPKI check of MX
     * hosts under enforce, e.g. file:/etc/dane4j/test-ca.pem (private test PKIs).
     */
    private Resource trustAnchors;
    /** Deadline of one policy fetch. */
    private Duration fetchTimeout = org.dane4j.sts.MtaSts.DEFAULT_FETCH_TIMEOUT;
    /** The port of the policy hosts: 443 but in tests. */
    private int policyPort = org.dane4j.sts.MtaSts.HTTPS_PORT;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public java.nio.file.Path getCache() {
      return cache;
    }

    public void setCache(java.nio.file.Path cache) {
      this.cache = cache;
    }

    public Resource getTrustAnchors() {
      return trustAnchors;
    }

    public void setTrustAnchors(Resource trustAnchors) {
      this.trustAnchors = trustAnchors;
    }

    public Duration getFetchTimeout() {
      return fetchTimeout;
    }

    public void setFetchTimeout(Duration fetchTimeout) {
      this.fetchTimeout = fetchTimeout;
    }

    public int getPolicyPort() {
      return policyPort;
    }

    public void setPolicyPort(int policyPort) {
      this.policyPort = policyPort;
    }
  }

  /** The shared DNSSEC-validating resolver ({@code DaneResolver}; RFC 7672 §2.1, checklist DNS-1..DNS-4). */
  public static class Resolver {
    /**
     * Upstream DNS servers, IP literals with an optional port (127.0.0.1, 127.0.0.1:5353, [::1]:53). Empty:
     * the servers of /etc/resolv.conf.
     */
    private List<String> servers = new ArrayList<>();
    /**
     * Trust the AD bit of a validating upstream instead of validating in process; only for a loopback
     * upstream (a resolver on this host). Cannot be combined with trust-anchors.
     */
    private boolean trustAd;
    /**
     * DNSSEC trust anchors (DS or DNSKEY records in master-file text), e.g. file:/etc/dane4j/root.key.
     * Default: the IANA root anchors (KSK-2017, KSK-2024).
     */
    private Resource trustAnchors;
    /** Timeout of one DNS query. */
    private Duration timeout = Duration.ofSeconds(5);
    /** Retries of a DNS query that timed out. */
    private Integer retries;
    /** The signed name the DNSSEC probe looks up (DNS-4). Default: the root SOA. */
    private String probeName;
    /** How often the DNSSEC probe is repeated (1 min..1 day). */
    private Duration probeInterval = Duration.ofHours(1);

    public List<String> getServers() {
      return servers;
    }

    public void setServers(List<String> servers) {
      this.servers = servers;
    }

    public boolean isTrustAd() {
      return trustAd;
    }

    public void setTrustAd(boolean trustAd) {
      this.trustAd = trustAd;
    }

    public Resource getTrustAnchors() {
      return trustAnchors;
    }

    public void setTrustAnchors(Resource trustAnchors) {
      this.trustAnchors = trustAnchors;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Integer getRetries() {
      return retries;
    }

    public void setRetries(Integer retries) {
      this.retries = retries;
    }

    public String getProbeName() {
      return probeName;
    }

    public void setProbeName(String probeName) {
      this.probeName = probeName;
    }

    public Duration getProbeInterval() {
      return probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
      this.probeInterval = probeInterval;
    }
  }

  /** The direct-to-MX {@code DaneMailer} bean, made when {@code ehlo-name} is set. */
  public static class Mailer {
    /** The EHLO name, a fully qualified host name of this sender. The DaneMailer bean exists only when set. */
    private String ehloName;
    /** The SMTP port of MX hosts (and of their TLSA names); 25 but in tests. */
    private int mxPort = 25;
    /** TCP connect timeout. */
    private Duration connectTimeout = Duration.ofSeconds(30);
    /** Timeout of each socket read (at most 10 min). */
    private Duration readTimeout = Duration.ofMinutes(5);
    /** The TLS handshake timeout. */
    private Duration handshakeTimeout = Duration.ofSeconds(30);
    /** The DNS plan of one recipient domain (MX, A/AAAA, TLSA). */
    private Duration planTimeout = Duration.ofSeconds(60);
    /** Sessions in parallel (threads of the mailer). */
    private int threads = 20;

    public String getEhloName() {
      return ehloName;
    }

    public void setEhloName(String ehloName) {
      this.ehloName = ehloName;
    }

    public int getMxPort() {
      return mxPort;
    }

    public void setMxPort(int mxPort) {
      this.mxPort = mxPort;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
      return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
    }

    public Duration getHandshakeTimeout() {
      return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = handshakeTimeout;
    }

    public Duration getPlanTimeout() {
      return planTimeout;
    }

    public void setPlanTimeout(Duration planTimeout) {
      this.planTimeout = planTimeout;
    }

    public int getThreads() {
      return threads;
    }

    public void setThreads(int threads) {
      this.threads = threads;
    }
  }

  /** Relay mode: Spring's JavaMailSender (spring.mail.*) sends through DaneSmtpTransport (POL-2). */
  public static class Relay {
    /**
     * Switch the application's JavaMailSenderImpl (spring.mail.host is the relay) to DaneSmtpTransport, with
     * the shared resolver and the delivery listeners.
     */
    private boolean enabled;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The health indicator "dane4j" (DNSSEC probe, DNS-4). */
  public static class Health {
    /** How long a health check waits for the first DNSSEC probe. */
    private Duration timeout = Duration.ofSeconds(10);

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }
}
