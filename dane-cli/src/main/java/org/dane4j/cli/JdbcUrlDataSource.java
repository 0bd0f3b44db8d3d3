package org.dane4j.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The smallest {@link DataSource} over a JDBC URL: every {@link #getConnection()} opens a new connection through
 * {@link DriverManager}, with the user and password given here (either may be null: then the URL's own
 * parameters, or the driver's defaults such as PostgreSQL's {@code ~/.pgpass}, apply). No pool: a command runs
 * once and looks up a handful of policies (RFC 8461 §5.1 shared cache, {@code --sts-cache jdbc:URL}).
 */
final class JdbcUrlDataSource implements DataSource {
  private final String url;
  private final String user;
  private final char[] password;
  private int loginTimeoutSeconds;

  JdbcUrlDataSource(String url, String user, char[] password) {
    this.url = Objects.requireNonNull(url, "url");
    this.user = user;
    this.password = password == null ? null : password.clone();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", new String(password));
    }
    return DriverManager.getConnection(url, p);
  }

  @Override
  public Connection getConnection(String username, String pw) throws SQLException {
    return DriverManager.getConnection(url, username, pw);
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // no log writer: the drivers log through their own loggers
  }

  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no parent logger");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "JdbcUrlDataSource[" + redacted(url) + "]";
  }

  /** {@code url} for messages: the value of a {@code password=} parameter replaced by {@code ***}. */
  static String redacted(String url) {
    return OneLineErrors.echo(url.replaceAll("(?i)(password=)[^&;]*", "$1***"));
  }
}
