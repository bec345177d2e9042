// Send, poll, fetch and acknowledge through a lienthong hub's node API (/v1) with HttpClient, and
// check a saved webhook push with WebhookVerifier. .NET 6+ or Mono; no package needed.
//
//   Example <hubUrl> <token> send <file.edxml>     prints "sent <id> <kind> duplicate=…"
//   Example <hubUrl> <token> poll [waitSeconds]     one long poll: fetch, check, ack the first item
//                                                   ("acked <id> changed=…", or "empty")
//   Example verify <headers.txt> <body>             a saved push ("Name: value" lines + raw body),
//                                                   secret in LIENTHONG_WEBHOOK_SECRET: "ok …" / "bad …"
//
// Build: dotnet new console, add both files; or with Mono:
//   mcs -out:Example.exe -r:System.Net.Http.dll -r:System.Runtime.Serialization.dll Example.cs WebhookVerifier.cs

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;

namespace Lienthong
{
    [DataContract] public class Recipient
    {
        [DataMember(Name = "organId")] public string OrganId;
        [DataMember(Name = "state")] public string State;
        [DataMember(Name = "reason")] public string Reason;
    }

    [DataContract] public class Receipt
    {
        [DataMember(Name = "id")] public string Id;
        [DataMember(Name = "kind")] public string Kind;
        [DataMember(Name = "duplicate")] public bool Duplicate;
        [DataMember(Name = "recipients")] public Recipient[] Recipients;
    }

    [DataContract] public class InboxItem
    {
        [DataMember(Name = "id")] public string Id;
        [DataMember(Name = "kind")] public string Kind;
        [DataMember(Name = "documentId")] public string DocumentId;
        [DataMember(Name = "fromOrganId")] public string FromOrganId;
        [DataMember(Name = "sha256")] public string Sha256;
    }

    [DataContract] public class Inbox { [DataMember(Name = "items")] public InboxItem[] Items; }
    [DataContract] public class AckAnswer { [DataMember(Name = "changed")] public bool Changed; }
    [DataContract] public class Problem
    {
        [DataMember(Name = "code")] public string Code;
        [DataMember(Name = "detail")] public string Detail;
    }

    public class HubException : Exception { public HubException(string m) : base(m) { } }

    public static class Example
    {
        static readonly HttpClient Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
            { Timeout = TimeSpan.FromSeconds(120) };

        public static int Main(string[] args)
        {
            try
            {
                if (args.Length == 3 && args[0] == "verify") return Verify(args[1], args[2]);
                if (args.Length < 3) { Console.Error.WriteLine("usage: Example <hubUrl> <token> send <file> | poll [wait] | verify <headers> <body>"); return 2; }
                var hub = args[0].TrimEnd('/') + "/v1";
                var token = args[1] == "-" ? Environment.GetEnvironmentVariable("LIENTHONG_TOKEN") : args[1];
                if (args[2] == "send") Send(hub, token, args[3]).GetAwaiter().GetResult();
                else if (args[2] == "poll") Poll(hub, token, args.Length > 3 ? int.Parse(args[3]) : 20).GetAwaiter().GetResult();
                else { Console.Error.WriteLine("unknown command " + args[2]); return 2; }
                return 0;
            }
            catch (HubException e) { Console.Error.WriteLine("error " + e.Message); return 1; }
            catch (HttpRequestException e) { Console.Error.WriteLine("error the hub cannot be reached: " + e.Message); return 1; }
            // Close the pooled connections before the runtime shuts down: Mono 6.8 can otherwise hang
            // at exit on a kept-alive socket (about one run in ten here).
            finally { Http.Dispose(); }
        }

        static async Task Send(string hub, string token, string file)
        {
            var content = new ByteArrayContent(File.ReadAllBytes(file)); // the exact bytes
            content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            var receipt = Json<Receipt>(await Call(hub, token, HttpMethod.Post, "/messages", content));
            Console.WriteLine("sent " + receipt.Id + " " + receipt.Kind + " duplicate=" + (receipt.Duplicate ? "true" : "false"));
            foreach (var r in receipt.Recipients) Console.WriteLine("  to " + r.OrganId + " " + r.State + (r.Reason != null ? " " + r.Reason : ""));
        }

        static async Task Poll(string hub, string token, int wait)
        {
            var inbox = Json<Inbox>(await Call(hub, token, HttpMethod.Get, "/inbox?limit=1&wait=" + wait, null));
            if (inbox.Items.Length == 0) { Console.WriteLine("empty"); return; }
            var item = inbox.Items[0];
            var bytes = await Call(hub, token, HttpMethod.Get, "/messages/" + item.Id, null);
            string sha;
            using (var h = SHA256.Create()) sha = string.Concat(h.ComputeHash(bytes).Select(b => b.ToString("x2")));
            if (sha != item.Sha256) throw new HubException("message " + item.Id + " arrived damaged; not acknowledged");
            Console.WriteLine("received " + item.Id + " " + item.Kind + " " + item.DocumentId + " from " + item.FromOrganId + " (" + bytes.Length + " bytes)");
            // Store the bytes (and check their XML signature) HERE, before acknowledging.
            var ack = Json<AckAnswer>(await Call(hub, token, HttpMethod.Post, "/messages/" + item.Id + "/ack", new ByteArrayContent(new byte[0])));
            Console.WriteLine("acked " + item.Id + " changed=" + (ack.Changed ? "true" : "false"));
        }

        /// One call; 429/5xx are retried after Retry-After (or a backoff); other errors carry the hub's code.
        static async Task<byte[]> Call(string hub, string token, HttpMethod method, string path, HttpContent content)
        {
            for (var attempt = 1; ; attempt++)
            {
                var request = new HttpRequestMessage(method, hub + path) { Content = content };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                byte[] body;
                int status;
                TimeSpan? retryAfter;
                using (var response = await Http.SendAsync(request))
                {
                    body = await response.Content.ReadAsByteArrayAsync();
                    status = (int)response.StatusCode;
                    retryAfter = response.Headers.RetryAfter != null ? response.Headers.RetryAfter.Delta : null;
                }
                if (status >= 200 && status < 300) return body;
                var code = "HTTP_" + status;
                var detail = Encoding.UTF8.GetString(body);
                try { var p = Json<Problem>(body); code = p.Code ?? code; detail = p.Detail ?? detail; } catch (SerializationException) { }
                var retryable = status == 429 || status >= 500;
                if (!retryable || attempt >= 5) throw new HubException(status + " " + code + ": " + detail);
                await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(Math.Pow(2, attempt)));
                // A send may be repeated: the same bytes get the first receipt back (duplicate: true).
                if (content != null) content = new ByteArrayContent(await content.ReadAsByteArrayAsync()) { Headers = { ContentType = content.Headers.ContentType } };
            }
        }

        static T Json<T>(byte[] json)
        {
            using (var ms = new MemoryStream(json)) return (T)new DataContractJsonSerializer(typeof(T)).ReadObject(ms);
        }

        static int Verify(string headersFile, string bodyFile)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in File.ReadAllLines(headersFile))
            {
                var colon = line.IndexOf(':');
                if (colon > 0) headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
            string signature, id, kind;
            headers.TryGetValue("Lienthong-Signature", out signature);
            headers.TryGetValue("Lienthong-Message-Id", out id);
            headers.TryGetValue("Lienthong-Kind", out kind);
            var secret = Environment.GetEnvironmentVariable("LIENTHONG_WEBHOOK_SECRET") ?? "";
            var result = WebhookVerifier.Verify(signature, id, File.ReadAllBytes(bodyFile), secret,
                DateTimeOffset.UtcNow, WebhookVerifier.DefaultToleranceSeconds);
            Console.WriteLine(result == "ok" ? "ok " + id + " " + kind : "bad " + (id ?? "-") + " " + result);
            return result == "ok" ? 0 : 1;
        }
    }
}
