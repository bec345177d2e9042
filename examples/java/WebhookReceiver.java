// A minimal webhook receiver for lienthong pushes (docs/webhooks.md). Plain JDK 17.
//
//   LIENTHONG_WEBHOOK_SECRET=<the node's webhook secret> java WebhookReceiver <port> [storeDir]
//
// Listens on 127.0.0.1:<port> (0: any free port; the chosen one is printed as "listening <port>"),
// checks every push with WebhookVerifier and answers 200 when the signature is valid, 401 when it
// is not. It prints one line per push:
//
//   ok <messageId> <kind>                 (first time this id arrived)
//   ok <messageId> <kind> duplicate       (the same id again: delivery is at least once)
//   bad <messageId or -> <reason>         (missing | malformed | stale | mismatch)
//
// With a storeDir, the body of each new message is written to <storeDir>/<messageId>.xml (or
// .json for receipt events) BEFORE answering 200: the hub counts a 2xx as "delivered". A real
// system stores the id and the bytes in its own database in the same way, then processes them
// after answering. Set LIENTHONG_WEBHOOK_HOST=0.0.0.0 to listen on every interface.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

public final class WebhookReceiver {
  /** Message ids are UUIDs (packages, statuses) or short event ids (receipts): never a path. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final String secret;
  private final Path storeDir;
  /** Ids already taken. A real system keeps them in its database. */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  WebhookReceiver(String secret, Path storeDir) {
    this.secret = secret;
    this.storeDir = storeDir;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: LIENTHONG_WEBHOOK_SECRET=... java WebhookReceiver <port> [storeDir]");
      System.exit(2);
    }
    String secret = System.getenv("LIENTHONG_WEBHOOK_SECRET");
    if (secret == null || secret.isEmpty()) {
      System.err.println("set LIENTHONG_WEBHOOK_SECRET to the node's webhook secret");
      System.exit(2);
    }
    Path storeDir = args.length > 1 ? Path.of(args[1]) : null;
    if (storeDir != null) Files.createDirectories(storeDir);
    String host = System.getenv().getOrDefault("LIENTHONG_WEBHOOK_HOST", "127.0.0.1");

    WebhookReceiver receiver = new WebhookReceiver(secret, storeDir);
    HttpServer server = HttpServer.create(new InetSocketAddress(host, Integer.parseInt(args[0])), 64);
    server.createContext("/", receiver::handle);
    // The hub sends a few pushes to one node at a time: answer them in parallel.
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    System.out.println("listening " + server.getAddress().getPort());
    System.out.flush();
  }

  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes(); // the exact bytes: verify before parsing
      }
      // Header names are case-insensitive in com.sun.net.httpserver.Headers.
      String messageId = exchange.getRequestHeaders().getFirst("Lienthong-Message-Id");
      String kind = exchange.getRequestHeaders().getFirst("Lienthong-Kind");
      String signature = exchange.getRequestHeaders().getFirst("Lienthong-Signature");

      WebhookVerifier.Result result = WebhookVerifier.verify(signature, messageId, body, secret);
      String shownId = messageId == null || !SAFE_ID.matcher(messageId).matches() ? "-" : messageId;
      if (!result.ok() || shownId.equals("-")) {
        // 401 is a permanent refusal for the hub: the delivery fails and the operator is told.
        print("bad " + shownId + " " + (result.ok() ? "malformed" : result.reason()));
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      // Store first, remember the id after: a failed store is answered 503 and pushed again.
      boolean first = !seen.contains(messageId);
      if (first && storeDir != null) store(messageId, kind, body);
      first = seen.add(messageId) && first;
      print("ok " + messageId + " " + kind + (first ? "" : " duplicate"));
      exchange.sendResponseHeaders(200, -1);
    } catch (IOException | RuntimeException e) {
      // A 5xx makes the hub try again later: right when we could not store the message.
      print("error " + e);
      exchange.sendResponseHeaders(503, -1);
    }
  }

  private void store(String messageId, String kind, byte[] body) throws IOException {
    String name = messageId + ("receipt".equals(kind) ? ".json" : ".xml");
    Path tmp = storeDir.resolve(name + ".part");
    Files.write(tmp, body);
    Files.move(tmp, storeDir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
