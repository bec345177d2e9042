// Checks the Lienthong-Signature header of a webhook push (docs/webhooks.md). Plain JDK 17, no
// dependencies: copy this file into your project.
//
//   Lienthong-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// v1 = HMAC-SHA256(key = the node's webhook secret as UTF-8,
//                  data = t + "." + Lienthong-Message-Id + "." + hex(SHA-256(body bytes)))
//
// Check it on the raw body bytes, before parsing anything, and refuse a t more than five minutes
// away from your clock (replays).

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class WebhookVerifier {
  /** Default clock tolerance: five minutes, as the hub documents. */
  public static final long DEFAULT_TOLERANCE_SECONDS = 300;

  private static final Pattern T = Pattern.compile("\\d{1,12}");
  private static final Pattern V1 = Pattern.compile("[0-9a-f]{64}");

  private WebhookVerifier() {}

  /** The outcome: ok, or why not ("missing", "malformed", "stale", "mismatch"). */
  public record Result(boolean ok, String reason, long signedAt) {
    static Result bad(String reason) {
      return new Result(false, reason, 0);
    }
  }

  /**
   * Verifies one push.
   *
   * @param headerValue the Lienthong-Signature header as received (may be null)
   * @param messageId the Lienthong-Message-Id header as received
   * @param body the raw body bytes, exactly as read from the request
   * @param secret the node's webhook secret
   * @param now the receiver's clock
   * @param toleranceSeconds largest accepted difference between t and now
   */
  public static Result verify(
      String headerValue, String messageId, byte[] body, String secret, Instant now, long toleranceSeconds) {
    if (headerValue == null || messageId == null || messageId.isEmpty()) return Result.bad("missing");
    String t = null;
    String v1 = null;
    for (String part : headerValue.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) continue;
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (name.equals("t")) t = value;
      else if (name.equals("v1")) v1 = value;
    }
    if (t == null || v1 == null || !T.matcher(t).matches() || !V1.matcher(v1).matches()) {
      return Result.bad("malformed");
    }
    long signedAt = Long.parseLong(t);
    if (Math.abs(now.getEpochSecond() - signedAt) > toleranceSeconds) return Result.bad("stale");
    byte[] expected = expectedV1(secret, t, messageId, body).getBytes(StandardCharsets.US_ASCII);
    // Constant time: the time taken does not tell an attacker how many characters matched.
    if (!MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII))) {
      return Result.bad("mismatch");
    }
    return new Result(true, "ok", signedAt);
  }

  /** verify(...) with the current clock and the default tolerance. */
  public static Result verify(String headerValue, String messageId, byte[] body, String secret) {
    return verify(headerValue, messageId, body, secret, Instant.now(), DEFAULT_TOLERANCE_SECONDS);
  }

  /** The hex HMAC the hub puts in v1 for this timestamp, message id and body. */
  public static String expectedV1(String secret, String t, String messageId, byte[] body) {
    try {
      String bodyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signed = (t + "." + messageId + "." + bodyHash).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(mac.doFinal(signed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 / HmacSHA256 missing from this JDK", e);
    }
  }
}
