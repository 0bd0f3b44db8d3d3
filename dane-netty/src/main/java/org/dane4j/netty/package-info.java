/**
 * RFC 7672 DANE for Netty SMTP clients.
 *
 * <ul>
 *   <li>{@link org.dane4j.netty.DaneSslHandlers}: client {@code SslHandler}s for a planned route (DANE trust
 *       manager, SNI = TLSA base domain, no HTTPS host-name check, TLS 1.2+);</li>
 *   <li>{@link org.dane4j.netty.StartTlsUpgrade}: the STARTTLS step for your own pipeline, closing the
 *       channel on bytes injected after the {@code 220} (CVE-2011-0411) and on a failed handshake;</li>
 *   <li>{@link org.dane4j.netty.DaneSmtpClient}: an asynchronous direct-to-MX SMTP client on
 *       {@code netty-codec-smtp} with a per-recipient report: dane-core's
 *       {@link org.dane4j.delivery.DeliveryEngine} decides, this package runs its sessions.</li>
 * </ul>
 */
package org.dane4j.netty;
