/**
 * dane4j for Jakarta Mail / Angus Mail: {@code DaneSmtpTransport} (relay mode, selected with
 * {@code mail.smtp.class} and registered in {@code META-INF/jakarta.providers}) and {@code DaneMailer}
 * (straight to the recipients' MX hosts), whose Angus sessions the core's delivery engine drives.
 */
module org.dane4j.jakartamail {
  requires transitive org.dane4j.core;
  requires transitive jakarta.mail;
  requires transitive org.eclipse.angus.mail;
  requires org.slf4j;
  requires jdk.net; // TCP_QUICKACK (RouteSocketFactory)

  exports org.dane4j.jakartamail;
}
