package dev.flotilla.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One logging backend for the whole process: our code (java.util.logging, bridged), fabric8 (SLF4J)
 * and Vert.x all end in logback, on stderr, as text or as one JSON object a line. Levels come from
 * {@code --log-level} or {@code FLOTILLA_LOG_LEVEL}: a level, optionally followed by {@code
 * package=level} pairs ({@code info,dev.flotilla.controller=debug}).
 */
public final class LogSetup {
  static final String LEVEL_ENV = "FLOTILLA_LOG_LEVEL";
  static final String FORMAT_ENV = "FLOTILLA_LOG_FORMAT";

  private static volatile String levels;
  private static volatile String format;

  private LogSetup() {}

  static void levels(String spec) {
    parseLevels(spec); // refuse a bad value while parsing the command line
    levels = spec;
  }

  static void format(String value) {
    parseFormat(value);
    format = value;
  }

  /** Root level first (key ""), then per-logger levels; IllegalArgumentException when invalid. */
  static Map<String, Level> parseLevels(String spec) {
    Map<String, Level> out = new LinkedHashMap<>();
    out.put("", Level.INFO);
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String part : spec.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      String logger = eq < 0 ? "" : p.substring(0, eq).strip();
      String name = eq < 0 ? p : p.substring(eq + 1).strip();
      Level level = Level.toLevel(name.toUpperCase(Locale.ROOT), null);
      if (level == null || (eq >= 0 && logger.isEmpty())) {
        throw new IllegalArgumentException(
            "invalid log level \""
                + p
                + "\": use trace, debug, info, warn, error or off, optionally followed by"
                + " package=level pairs, e.g. info,dev.flotilla.controller=debug");
      }
      out.put(logger, level);
    }
    return out;
  }

  static boolean parseFormat(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("text")) {
      return false;
    }
    if (value.equalsIgnoreCase("json")) {
      return true;
    }
    throw new IllegalArgumentException("invalid log format \"" + value + "\": use text or json");
  }

  /** Configures logback from the flags, else the environment; call once, before the command. */
  public static void apply() {
    String spec = levels != null ? levels : System.getenv(LEVEL_ENV);
    String fmt = format != null ? format : System.getenv(FORMAT_ENV);
    Map<String, Level> parsed = parseLevels(spec);
    boolean json = parseFormat(fmt);

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    // Levels set here also reach java.util.logging, so a FINE record nobody wants is never built.
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    propagator.start();
    context.addListener(propagator);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();

    Encoder<ILoggingEvent> encoder;
    if (json) {
      JsonEncoder e = new JsonEncoder();
      e.setContext(context);
      e.start();
      encoder = e;
    } else {
      PatternLayoutEncoder e = new PatternLayoutEncoder();
      e.setContext(context);
      e.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
      e.start();
      encoder = e;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(console);
    parsed.forEach(
        (logger, level) -> (logger.isEmpty() ? root : context.getLogger(logger)).setLevel(level));
  }
}
