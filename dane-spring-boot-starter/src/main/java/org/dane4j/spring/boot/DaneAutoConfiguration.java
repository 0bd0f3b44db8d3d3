package org.dane4j.spring.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.sts.MtaSts;
import org.dane4j.sts.StsPolicyCache;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;

/**
 * Auto-configuration of dane4j (RFC 7672): one shared {@link DaneResolver} (closed with the context), a
 * {@link DaneMailer} when {@code dane4j.mailer.ehlo-name} is set (with {@link MtaSts}, RFC 8461, when
 * {@code dane4j.mta-sts.enabled=true}), and relay mode for Spring's
 * {@code JavaMailSenderImpl} when {@code dane4j.relay.enabled=true}. Every {@link DeliveryListener} bean of the
 * application hears the mailer's and relay mode's deliveries.
 */
@AutoConfiguration
@EnableConfigurationProperties(DaneProperties.class)
public class DaneAutoConfiguration {
  private static final Pattern SERVER = Pattern.compile("^\\[([0-9a-fA-F:.]+)\\](?::(\\d{1,5}))?$"
      + "|^([0-9.]+)(?::(\\d{1,5}))?$|^([0-9a-fA-F]*:[0-9a-fA-F:]*)$");

  /** The application's shared resolver, from {@code dane4j.resolver.*}; Spring closes it with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public DaneResolver daneResolver(DaneProperties properties) throws IOException {
    DaneProperties.Resolver p = properties.getResolver();
    DaneResolver.Builder b = DaneResolver.builder().timeout(p.getTimeout()).probeInterval(p.getProbeInterval());
    if (!p.getServers().isEmpty()) {
      b.servers(p.getServers().stream().map(DaneAutoConfiguration::server).toArray(InetSocketAddress[]::new));
    }
    if (p.getTrustAnchors() != null) {
      try (InputStream in = p.getTrustAnchors().getInputStream()) {
        b.trustAnchors(in);
      }
    }
    if (p.isTrustAd()) {
      b.trustAd();
    }
    if (p.getRetries() != null) {
      b.retries(p.getRetries());
    }
    if (p.getProbeName() != null) {
      b.probeName(p.getProbeName());
    }
    return b.build();
  }

  /** All the application's listeners as one ({@link DeliveryListener#none()} when there is none). */
  static DeliveryListener listeners(ObjectProvider<DeliveryListener> listeners) {
    return listeners.orderedStream().reduce(DeliveryListener::both).orElseGet(DeliveryListener::none);
  }

  /**
   * MTA-STS (RFC 8461) over the shared resolver, from {@code dane4j.mta-sts.*} when
   * {@code dane4j.mta-sts.enabled=true}: policies kept in the application's {@link StsPolicyCache} bean, else in
   * {@code dane4j.mta-sts.cache} (a file), else in memory; refreshed before they expire; closed with the context.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "dane4j.mta-sts", name = "enabled", havingValue = "true")
  public MtaSts daneMtaSts(DaneProperties properties, DaneResolver resolver, ObjectProvider<StsPolicyCache> cache)
      throws IOException {
    DaneProperties.MtaSts p = properties.getMtaSts();
    MtaSts.Builder b = MtaSts.builder(resolver).fetchTimeout(p.getFetchTimeout()).policyPort(p.getPolicyPort());
    StsPolicyCache own = cache.getIfAvailable();
    if (own != null) {
      b.cache(own);
    } else if (p.getCache() != null) {
      b.cache(StsPolicyCache.file(p.getCache()));
    }
    if (p.getTrustAnchors() != null) {
      b.extraTrustAnchors(pem(p.getTrustAnchors()));
    }
    return b.build();
  }

  /** The certificates of a PEM resource ({@code dane4j.mta-sts.trust-anchors}); at least one. */
  static List<X509Certificate> pem(Resource resource) throws IOException {
    try (InputStream in = resource.getInputStream()) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("dane4j.mta-sts.trust-anchors: no certificate in " + resource);
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("dane4j.mta-sts.trust-anchors: " + resource + ": " + e.getMessage(), e);
    }
  }

  /**
   * The direct-to-MX mailer, from {@code dane4j.mode} and {@code dane4j.mailer.*}, with the {@link MtaSts} bean
   * when there is one; closed with the context.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "dane4j.mailer", name = "ehlo-name")
  public DaneMailer daneMailer(DaneProperties properties, DaneResolver resolver,
      ObjectProvider<DeliveryListener> listeners, ObjectProvider<MtaSts> mtaSts) {
    DaneProperties.Mailer m = properties.getMailer();
    DaneMailer.Builder b = DaneMailer.builder().resolver(resolver).mode(properties.getMode())
        .ehloName(m.getEhloName()).mxPort(m.getMxPort()).connectTimeout(m.getConnectTimeout())
        .readTimeout(m.getReadTimeout()).handshakeTimeout(m.getHandshakeTimeout()).planTimeout(m.getPlanTimeout())
        .threads(m.getThreads()).listener(listeners(listeners));
    mtaSts.ifAvailable(b::mtaSts);
    return b.build();
  }

  /** Relay mode for the application's {@code JavaMailSenderImpl} ({@code dane4j.relay.enabled=true}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.mail.javamail.JavaMailSenderImpl")
  @ConditionalOnProperty(prefix = "dane4j.relay", name = "enabled", havingValue = "true")
  static class Relay {
    @Bean
    static DaneRelayPostProcessor daneRelayPostProcessor(ObjectProvider<DaneProperties> properties,
        ObjectProvider<DaneResolver> resolver, ObjectProvider<DeliveryListener> listeners) {
      return new DaneRelayPostProcessor(properties, resolver, listeners);
    }
  }

  /** An IP literal with an optional port, as relay mode's {@code mail.smtp.dane.resolver} accepts. */
  static InetSocketAddress server(String item) {
    Matcher m = SERVER.matcher(item.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("dane4j.resolver.servers: \"" + item
          + "\" is not an IP address with an optional port");
    }
    String ip = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
    String port = m.group(2) != null ? m.group(2) : m.group(4);
    try {
      // only IP literals reach here: this parses, it never looks anything up
      return new InetSocketAddress(InetAddress.getByName(ip), port == null ? 53 : Integer.parseInt(port));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("dane4j.resolver.servers: \"" + item + "\": " + e.getMessage(), e);
    }
  }
}
