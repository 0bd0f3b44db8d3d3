package org.dane4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.dane4j.dns.DaneResolver;
import org.dane4j.jakartamail.DaneMailer;
import org.dane4j.testkit.MailWorld;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator's DOWN case, and the beans' conditions, in small contexts. */
class DaneHealthDownTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DaneAutoConfiguration.class, DaneActuatorAutoConfiguration.class));

  @Test
  @DisplayName("DNS-4: health dane4j is DOWN when the resolver whose AD bit is trusted does not validate")
  void dns4_healthDownWhenNotValidating() {
    try (MailWorld mail = new MailWorld()) {
      mail.mx("mx.example.test", 2, mail.leaf("mx.example.test")); // starts the DNS server
      // The testkit's authoritative server sets no AD bit: trusting it (trust-ad) means nothing validates.
      runner.withPropertyValues("dane4j.resolver.servers=127.0.0.1:" + mail.dns().address().getPort(),
          "dane4j.resolver.trust-ad=true", "dane4j.resolver.probe-name=test.", "dane4j.resolver.timeout=2s",
          "dane4j.resolver.retries=0")
          .run(context -> {
            DaneHealthIndicator health = context.getBean(DaneHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("state", "not-validating");
          });
    }
  }

  @Test
  @DisplayName("Without dane4j.mailer.ehlo-name there is a resolver but no DaneMailer bean; the context closes it")
  void noMailerWithoutEhloName() {
    runner.withPropertyValues("dane4j.resolver.servers=127.0.0.1:53")
        .run(context -> {
          assertThat(context).hasSingleBean(DaneResolver.class).doesNotHaveBean(DaneMailer.class);
          assertThat(context.getBeanFactory().getBeanDefinition("daneResolver").getDestroyMethodName())
              .isEqualTo("close");
        });
  }
}
