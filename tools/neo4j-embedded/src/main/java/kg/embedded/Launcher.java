package kg.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Runs the Neo4j Community engine in this JVM with its Bolt connector on a loopback address,
 * so that the service and its tests get a real Neo4j where no server or Docker engine exists.
 * Plugins (the service's kg.beamSearch) load from HOME/plugins, as on a Neo4j server.
 *
 * <p>Options (all optional): --home DIR (default .neo4j), --port N (default 7687),
 * --host ADDR (default 127.0.0.1), --pagecache BYTES (default 512m), --tx-timeout SECONDS
 * (default 60), --tx-log-retention POLICY (default "1G size"). Prints one line "NEO4J_EMBEDDED_READY bolt://host:port" once Bolt listens;
 * exits with code 2 on bad options, 3 when the port is taken, 4 when the store is locked
 * or the engine cannot start.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    Map<String, String> options = parseOptions(args);
    Path home = Path.of(options.getOrDefault("home", ".neo4j")).toAbsolutePath();
    String host = options.getOrDefault("host", "127.0.0.1");
    int port = parseInt(options.getOrDefault("port", "7687"), "port");
    long pagecache = parseBytes(options.getOrDefault("pagecache", "512m"));
    long txTimeoutSeconds = parseInt(options.getOrDefault("tx-timeout", "60"), "tx-timeout");
    // Neo4j keeps transaction logs for two days by default (for incremental backups, which this
    // launcher never serves); a few benchmark loads of a million links then fill tens of GB.
    String txLogRetention = options.getOrDefault("tx-log-retention", "1G size");

    // Fail fast and clearly instead of letting Neo4j log a bind error deep in its start-up.
    ensurePortFree(host, port);

    log("starting", "home", home.toString(), "bolt", host + ":" + port);
    DatabaseManagementService service;
    try {
      Files.createDirectories(home);
      service =
          new DatabaseManagementServiceBuilder(home)
              .setConfig(BoltConnector.enabled, true)
              .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
              .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
              .setConfig(HttpConnector.enabled, false)
              // The launcher only ever binds to loopback; the service's own API is the
              // authenticated surface.
              .setConfig(GraphDatabaseSettings.auth_enabled, false)
              .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
              .setConfig(
                  GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeoutSeconds))
              .setConfig(GraphDatabaseSettings.keep_logical_logs, txLogRetention)
              // Plugins load as on any Neo4j server: jars in the home's plugins directory (where
              // src/db/embedded.ts copies plugins/kg-procedures.jar, the chain search).
              .setConfig(GraphDatabaseSettings.plugin_dir, home.resolve("plugins"))
              .build();
    } catch (Exception e) {
      fail(4, "engine failed to start (is another launcher using " + home + "?): " + rootMessage(e));
      return;
    }

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log("stopping");
                  service.shutdown();
                  deletePidFile(home);
                  log("stopped");
                },
                "neo4j-shutdown"));

    GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    if (!db.isAvailable(Duration.ofSeconds(60).toMillis())) {
      fail(4, "database did not become available within 60 s");
    }
    writePidFile(home, port);
    log("ready", "bolt", "bolt://" + host + ":" + port);
    System.out.println("NEO4J_EMBEDDED_READY bolt://" + host + ":" + port);
    System.out.flush();

    try {
      Thread.currentThread().join(); // park until SIGTERM/SIGINT runs the shutdown hook
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || i + 1 >= args.length) {
        fail(2, "bad option '" + arg + "': expected --name value");
      }
      options.put(arg.substring(2), args[++i]);
    }
    return options;
  }

  private static int parseInt(String value, String name) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      fail(2, "--" + name + " must be a whole number, got '" + value + "'");
      return 0;
    }
  }

  private static long parseBytes(String value) {
    String v = value.trim().toLowerCase();
    long unit = 1;
    if (v.endsWith("g")) unit = 1L << 30;
    else if (v.endsWith("m")) unit = 1L << 20;
    else if (v.endsWith("k")) unit = 1L << 10;
    if (unit > 1) v = v.substring(0, v.length() - 1);
    try {
      return Long.parseLong(v) * unit;
    } catch (NumberFormatException e) {
      fail(2, "--pagecache must look like 512m or 1g, got '" + value + "'");
      return 0;
    }
  }

  private static void ensurePortFree(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      fail(3, "port " + host + ":" + port + " is taken; set NEO4J_EMBEDDED_PORT to another port");
    }
  }

  private static void writePidFile(Path home, int port) {
    try {
      Files.writeString(
          home.resolve("launcher.pid"), ProcessHandle.current().pid() + " " + port + "\n");
    } catch (IOException e) {
      log("warn", "message", "could not write pid file: " + e.getMessage());
    }
  }

  private static void deletePidFile(Path home) {
    try {
      Files.deleteIfExists(home.resolve("launcher.pid"));
    } catch (IOException ignored) {
      // best effort on the way out
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static void fail(int code, String message) {
    log("error", "message", message);
    System.exit(code);
  }

  /** One JSON object per line on stderr, so the Node side can relay it as structured logs. */
  private static void log(String event, String... fields) {
    StringBuilder line = new StringBuilder("{\"component\":\"neo4j-embedded\",\"event\":\"");
    line.append(event).append('"');
    for (int i = 0; i + 1 < fields.length; i += 2) {
      line.append(",\"").append(fields[i]).append("\":\"");
      line.append(fields[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    System.err.println(line.append('}'));
  }
}
