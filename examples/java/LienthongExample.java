// Send, poll, fetch and acknowledge through a lienthong hub's node API (/v1). Plain JDK 17:
// java.net.http.HttpClient, no dependencies (a tiny JSON reader is at the bottom; use your own
// JSON library in a real system).
//
//   java LienthongExample <hubUrl> <token> send <file.edxml>
//       POST /v1/messages; prints "sent <id> <kind> duplicate=<true|false>" and each recipient
//   java LienthongExample <hubUrl> <token> poll [waitSeconds] [storeDir]
//       one long poll of GET /v1/inbox; fetches the first item, checks its SHA-256, acknowledges
//       it and prints "acked <id> changed=true" ("empty" when nothing came). With a storeDir it
//       takes every item of that poll, writing each to <storeDir>/<id>.xml before its ack
//   java LienthongExample <hubUrl> <token> loop <storeDir>
//       what an e-office system runs: poll, fetch, store, ack, for ever
//   java LienthongExample <hubUrl> <token> trace <messageId>
//       GET /v1/messages/<id>/trace: per recipient, delivery state and business statuses
//
// hubUrl is e.g. http://127.0.0.1:8080 (without /v1). Put the token in your configuration, not on
// a shared command line (it is shown in the process list); LIENTHONG_TOKEN overrides the argument
// when it is "-".

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class LienthongExample {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;
  private final String token;

  LienthongExample(String hubUrl, String token) {
    this.base = hubUrl.replaceAll("/+$", "") + "/v1";
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: java LienthongExample <hubUrl> <token|-> send <file> | poll [wait] [dir] | loop <dir> | trace <id>");
      System.exit(2);
    }
    String token = args[1].equals("-") ? System.getenv("LIENTHONG_TOKEN") : args[1];
    LienthongExample hub = new LienthongExample(args[0], token);
    try {
      switch (args[2]) {
        case "send" -> hub.send(Path.of(args[3]));
        case "poll" -> hub.pollOnce(args.length > 3 ? Integer.parseInt(args[3]) : 20, args.length > 4 ? Path.of(args[4]) : null);
        case "loop" -> {
          while (true) hub.pollOnce(30, Path.of(args[3]));
        }
        case "trace" -> System.out.println(hub.call("GET", "/messages/" + args[3] + "/trace", null, 30).text());
        default -> {
          System.err.println("unknown command " + args[2]);
          System.exit(2);
        }
      }
    } catch (HubError e) {
      System.err.println("error " + e.getMessage());
      System.exit(1);
    } catch (IOException e) {
      System.err.println("error the hub cannot be reached: " + e);
      System.exit(1);
    }
  }

  /** POST /v1/messages with the exact bytes of the file (signed edXML package or status package). */
  void send(Path file) throws IOException, InterruptedException {
    Response r = call("POST", "/messages", Files.readAllBytes(file), 120);
    Map<String, Object> receipt = Json.object(r.text());
    // Keep receipt.id: it is the message's id on every hub (trace, statuses, receipts).
    System.out.println("sent " + receipt.get("id") + " " + receipt.get("kind") + " duplicate=" + receipt.get("duplicate"));
    for (Object o : Json.list(receipt.get("recipients"))) {
      Map<String, Object> rcpt = Json.object(o);
      System.out.println("  to " + rcpt.get("organId") + " " + rcpt.get("state") + (rcpt.get("reason") != null ? " " + rcpt.get("reason") : ""));
    }
  }

  /** One long poll: fetch, check, store and acknowledge the first item of the inbox. */
  void pollOnce(int waitSeconds, Path storeDir) throws IOException, InterruptedException {
    Response inbox = call("GET", "/inbox?limit=10&wait=" + waitSeconds, null, waitSeconds + 30);
    List<Object> items = Json.list(Json.object(inbox.text()).get("items"));
    if (items.isEmpty()) {
      System.out.println("empty");
      return;
    }
    // Most urgent first, then oldest. A loop takes them all; `poll` takes the first only.
    for (Object o : items) {
      Map<String, Object> item = Json.object(o);
      String id = (String) item.get("id");
      Response message = call("GET", "/messages/" + id, null, 120);
      String sha256 = sha256Hex(message.body());
      if (!sha256.equals(item.get("sha256"))) throw new HubError("message " + id + " arrived damaged (SHA-256 differs); not acknowledged");
      System.out.println("received " + id + " " + item.get("kind") + " " + item.get("documentId") + " from " + item.get("fromOrganId") + " (" + message.body().length + " bytes)");
      if (storeDir != null) {
        // Store (and check the XML signature on these exact bytes) BEFORE acknowledging:
        // after the ack the hub considers the message delivered and stops offering it.
        Files.createDirectories(storeDir);
        Path tmp = storeDir.resolve(id + ".xml.part");
        Files.write(tmp, message.body());
        Files.move(tmp, storeDir.resolve(id + ".xml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      // An empty POST; acknowledging twice is harmless (changed=false the second time).
      Response ack = call("POST", "/messages/" + id + "/ack", new byte[0], 30);
      System.out.println("acked " + id + " changed=" + Json.object(ack.text()).get("changed"));
      if (storeDir == null) return; // `poll` without a store takes one item only
    }
  }

  record Response(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static final class HubError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HubError(String message) {
      super(message);
    }
  }

  /**
   * One API call. Retries what is worth retrying: 429 and 503 after Retry-After, 5xx and network
   * failures with backoff. Anything else that is not 2xx is a problem+json answer with a stable
   * code (docs/errors.md): the request must change, retrying it as is gets the same answer.
   */
  Response call(String method, String path, byte[] body, int timeoutSeconds) throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
    if (body == null) builder.GET();
    else if (body.length == 0) builder.POST(HttpRequest.BodyPublishers.noBody());
    else builder.header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    HttpRequest request = builder.build();
    long backoffMs = 1000;
    for (int attempt = 1; ; attempt++) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (ConnectException | HttpTimeoutException e) {
        // Safe to repeat even for a send: the same bytes sent again get the first receipt back
        // (duplicate: true), never a second message.
        if (attempt >= 5) throw e;
        System.err.println("retrying " + method + " " + path + " after " + e);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 60_000);
        continue;
      }
      int status = response.statusCode();
      if (status / 100 == 2) return new Response(status, response.body());
      String text = new String(response.body(), StandardCharsets.UTF_8);
      String code = "HTTP_" + status;
      String detail = text;
      try {
        Map<String, Object> problem = Json.object(text);
        code = String.valueOf(problem.get("code"));
        detail = String.valueOf(problem.get("detail"));
      } catch (RuntimeException notJson) {
        // a proxy's HTML page, say
      }
      boolean retryable = status == 429 || status == 502 || status == 503 || status == 504 || status == 500;
      if (!retryable || attempt >= 5) throw new HubError(status + " " + code + ": " + detail);
      long waitMs = response.headers().firstValue("Retry-After").map(s -> {
        try {
          return Long.parseLong(s.trim()) * 1000;
        } catch (NumberFormatException e) {
          return -1L;
        }
      }).orElse(-1L);
      Thread.sleep(waitMs >= 0 ? waitMs : backoffMs);
      backoffMs = Math.min(backoffMs * 2, 60_000);
      System.err.println("retrying " + method + " " + path + " after " + status + " " + code);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Just enough JSON for this example: objects, arrays, strings, numbers, true/false/null. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
      if (value instanceof String text) value = parse(text);
      if (!(value instanceof Map)) throw new IllegalArgumentException("not a JSON object");
      return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
      return value instanceof List ? (List<Object>) value : List.of();
    }

    static Object parse(String text) {
      Json p = new Json(text);
      Object v = p.value();
      p.ws();
      if (p.i != p.s.length()) throw new IllegalArgumentException("trailing characters in JSON");
      return v;
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private Object value() {
      ws();
      if (i >= s.length()) throw new IllegalArgumentException("unexpected end of JSON");
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        while (true) {
          ws();
          String key = string();
          ws();
          expect(':');
          m.put(key, value());
          ws();
          if (s.charAt(i) == ',') i++;
          else {
            expect('}');
            return m;
          }
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value());
          ws();
          if (s.charAt(i) == ',') i++;
          else {
            expect(']');
            return l;
          }
        }
      }
      if (c == '"') return string();
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      if (start == i) throw new IllegalArgumentException("bad JSON at " + i);
      return Double.parseDouble(s.substring(start, i));
    }

    private void expect(char c) {
      if (i >= s.length() || s.charAt(i) != c) throw new IllegalArgumentException("expected " + c + " at " + i);
      i++;
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      }
    }
  }
}
