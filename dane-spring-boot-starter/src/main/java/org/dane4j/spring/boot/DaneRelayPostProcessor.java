package org.dane4j.spring.boot;

import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.util.Properties;
import org.dane4j.delivery.DeliveryListener;
import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneSmtpTransport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Relay mode (RFC 7672 §2.2 for a relay named by the application, checklist POL-2): replaces the application's
 * {@link JavaMailSenderImpl} (Spring Boot's, from {@code spring.mail.*}, or its own) with one whose transports
 * are {@link DaneSmtpTransport}s using the shared resolver and the application's delivery listeners. Host,
 * port, user, password, protocol, encoding and every {@code spring.mail.properties.*} are kept;
 * {@code mail.smtp.class} and {@code mail.smtp.dane.mode} (from {@code dane4j.mode}) are set. A post-processor,
 * not a bean of its own, so that it works whatever Spring Boot version made the sender.
 */
final class DaneRelayPostProcessor implements BeanPostProcessor {
  private final ObjectProvider<DaneProperties> properties;
  private final ObjectProvider<DaneResolver> resolver;
  private final ObjectProvider<DeliveryListener> listeners;

  DaneRelayPostProcessor(ObjectProvider<DaneProperties> properties, ObjectProvider<DaneResolver> resolver,
      ObjectProvider<DeliveryListener> listeners) {
    this.properties = properties;
    this.resolver = resolver;
    this.listeners = listeners;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (!(bean instanceof JavaMailSenderImpl sender) || bean instanceof DaneRelaySender) {
      return bean;
    }
    DaneRelaySender dane = new DaneRelaySender(resolver, listeners);
    dane.setHost(sender.getHost());
    dane.setPort(sender.getPort());
    dane.setUsername(sender.getUsername());
    dane.setPassword(sender.getPassword());
    dane.setProtocol(sender.getProtocol());
    dane.setDefaultEncoding(sender.getDefaultEncoding());
    dane.setDefaultFileTypeMap(sender.getDefaultFileTypeMap());
    Properties p = new Properties();
    p.putAll(sender.getJavaMailProperties());
    p.setProperty("mail.smtp.class", DaneSmtpTransport.class.getName());
    p.setProperty("mail.smtp.dane.mode", properties.getObject().getMode().toString());
    dane.setJavaMailProperties(p);
    return dane;
  }

  /** A JavaMailSenderImpl whose DANE transports share the application's resolver and listeners. */
  static final class DaneRelaySender extends JavaMailSenderImpl {
    private final ObjectProvider<DaneResolver> resolver;
    private final ObjectProvider<DeliveryListener> listeners;

    DaneRelaySender(ObjectProvider<DaneResolver> resolver, ObjectProvider<DeliveryListener> listeners) {
      this.resolver = resolver;
      this.listeners = listeners;
    }

    @Override
    protected Transport getTransport(Session session) throws NoSuchProviderException {
      Transport transport = super.getTransport(session);
      if (transport instanceof DaneSmtpTransport dane) {
        dane.setResolver(resolver.getObject());
        dane.setListener(DaneAutoConfiguration.listeners(listeners));
      }
      return transport;
    }
  }
}
