package org.dane4j.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import org.dane4j.dns.DaneResolver;
import org.dane4j.micrometer.DaneMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The DNSSEC health indicator and the Micrometer meters of dane4j, when the application has an actuator and a
 * {@code MeterRegistry}. Ordered after the registries' own auto-configuration by class name, so that it works
 * with Spring Boot 3.5 and 4.0 alike.
 */
@AutoConfiguration(after = DaneAutoConfiguration.class, afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
public class DaneActuatorAutoConfiguration {

  /** Meters from every delivery of the mailer and relay mode, and the probe gauges (dane-micrometer). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    DaneMetrics daneMetrics(MeterRegistry registry, DaneResolver resolver) {
      DaneMetrics.monitorResolver(resolver, registry);
      return new DaneMetrics(registry);
    }
  }

  /** Health "dane4j" on Spring Boot 4 ({@code management.health.dane4j.enabled}, default true). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.dane4j", name = "enabled", matchIfMissing = true)
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "dane4jHealthIndicator")
    DaneHealthIndicatorBoot4 dane4jHealthIndicator(DaneResolver resolver, DaneProperties properties) {
      return new DaneHealthIndicatorBoot4(resolver, properties.getHealth().getTimeout());
    }
  }

  /** Health "dane4j" on Spring Boot 3.x ({@code management.health.dane4j.enabled}, default true). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.AbstractHealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.dane4j", name = "enabled", matchIfMissing = true)
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "dane4jHealthIndicator")
    DaneHealthIndicator dane4jHealthIndicator(DaneResolver resolver, DaneProperties properties) {
      return new DaneHealthIndicator(resolver, properties.getHealth().getTimeout());
    }
  }
}
