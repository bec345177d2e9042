// Checks the Lienthong-Signature header of a webhook push (docs/webhooks.md). Plain .NET (6+,
// or .NET Framework 4.7.2+ / Mono): no package needed. Copy this file into your project.
//
//   Lienthong-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//   v1 = HMAC-SHA256(key = the webhook secret as UTF-8,
//                    data = t + "." + Lienthong-Message-Id + "." + hex(SHA-256(body bytes)))
//
// In ASP.NET Core, read the raw body before anything parses it:
//   using var ms = new MemoryStream(); await Request.Body.CopyToAsync(ms); var body = ms.ToArray();
//   var reason = WebhookVerifier.Verify(Request.Headers["Lienthong-Signature"],
//       Request.Headers["Lienthong-Message-Id"], body, secret, DateTimeOffset.UtcNow, 300);
//   return reason == "ok" ? Ok() : Unauthorized();   // store the message before answering 200

using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lienthong
{
    public static class WebhookVerifier
    {
        public const long DefaultToleranceSeconds = 300;

        /// <summary>"ok", or why not: "missing", "malformed", "stale", "mismatch".</summary>
        public static string Verify(string headerValue, string messageId, byte[] body, string secret,
            DateTimeOffset now, long toleranceSeconds)
        {
            if (string.IsNullOrEmpty(headerValue) || string.IsNullOrEmpty(messageId)) return "missing";
            string t = null, v1 = null;
            foreach (var part in headerValue.Split(','))
            {
                var eq = part.IndexOf('=');
                if (eq < 0) continue;
                var name = part.Substring(0, eq).Trim();
                var value = part.Substring(eq + 1).Trim();
                if (name == "t") t = value;
                else if (name == "v1") v1 = value;
            }
            if (t == null || v1 == null || !Regex.IsMatch(t, @"^[0-9]{1,12}$") || !Regex.IsMatch(v1, @"^[0-9a-f]{64}$"))
                return "malformed";
            if (Math.Abs(now.ToUnixTimeSeconds() - long.Parse(t)) > toleranceSeconds) return "stale";
            var expected = Encoding.ASCII.GetBytes(ExpectedV1(secret, t, messageId, body));
            return FixedTimeEquals(expected, Encoding.ASCII.GetBytes(v1)) ? "ok" : "mismatch";
        }

        public static string ExpectedV1(string secret, string t, string messageId, byte[] body)
        {
            string bodyHash;
            using (var sha = SHA256.Create()) bodyHash = Hex(sha.ComputeHash(body));
            using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret)))
                return Hex(hmac.ComputeHash(Encoding.UTF8.GetBytes(t + "." + messageId + "." + bodyHash)));
        }

        // Constant time (CryptographicOperations.FixedTimeEquals on .NET Core 2.1+ does the same).
        static bool FixedTimeEquals(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            var diff = 0;
            for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
            return diff == 0;
        }

        static string Hex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2"));
            return sb.ToString();
        }
    }
}
