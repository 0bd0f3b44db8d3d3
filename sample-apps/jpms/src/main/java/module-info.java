/** A JPMS application using dane4j's three library modules by their stable names. */
module org.dane4j.samples.jpms {
  requires org.dane4j.core;
  requires org.dane4j.jakartamail;
  requires org.dane4j.netty;
}
