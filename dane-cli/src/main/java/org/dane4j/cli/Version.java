package org.dane4j.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the runnable jar's manifest ({@code Implementation-Version}). */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Version.class.getPackage().getImplementationVersion();
    return new String[] {"dane4j " + (version == null ? "(development build)" : version)};
  }
}
