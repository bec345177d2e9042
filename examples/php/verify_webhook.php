<?php
// Checks the Lienthong-Signature header of a webhook push (docs/webhooks.md). PHP 7.4+ / 8.x,
// no extension beyond the standard hash extension.
//
//   Lienthong-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//   v1 = HMAC-SHA256(key = webhook secret, data = t . "." . Lienthong-Message-Id . "." . sha256_hex(body))
//
// Three ways to use this file:
//   - require it and call lienthong_verify_webhook() from your own endpoint;
//   - as the endpoint itself (Apache/nginx + PHP-FPM, or `php -S 127.0.0.1:8090 verify_webhook.php`):
//     answers 200 for a valid push, 401 otherwise, and logs "ok <id> <kind>" / "bad <id> <reason>"
//     to the error log; set LIENTHONG_WEBHOOK_SECRET in the environment;
//   - from the command line on a saved push, to check a capture:
//       LIENTHONG_WEBHOOK_SECRET=... php verify_webhook.php headers.txt body.xml
//     (headers.txt: "Name: value" lines as received); prints ok/bad, exits 0 / 1.

/**
 * @param ?string $header    the Lienthong-Signature header (null when absent)
 * @param ?string $messageId the Lienthong-Message-Id header
 * @param string  $body      the raw body bytes (file_get_contents('php://input')), never a parsed form
 * @return string 'ok', or why not: 'missing', 'malformed', 'stale', 'mismatch'
 */
function lienthong_verify_webhook(?string $header, ?string $messageId, string $body, string $secret, ?int $now = null, int $toleranceSeconds = 300): string
{
    if ($header === null || $messageId === null || $messageId === '') {
        return 'missing';
    }
    $parts = [];
    foreach (explode(',', $header) as $part) {
        $eq = strpos($part, '=');
        if ($eq !== false) {
            $parts[trim(substr($part, 0, $eq))] = trim(substr($part, $eq + 1));
        }
    }
    $t = $parts['t'] ?? '';
    $v1 = $parts['v1'] ?? '';
    if (!preg_match('/^\d{1,12}$/', $t) || !preg_match('/^[0-9a-f]{64}$/', $v1)) {
        return 'malformed';
    }
    if (abs(($now ?? time()) - (int) $t) > $toleranceSeconds) {
        return 'stale';
    }
    $expected = hash_hmac('sha256', $t . '.' . $messageId . '.' . hash('sha256', $body), $secret);
    // hash_equals compares in constant time.
    return hash_equals($expected, $v1) ? 'ok' : 'mismatch';
}

/** Reads "Name: value" lines into a lower-case-keyed array. */
function lienthong_parse_header_lines(string $text): array
{
    $headers = [];
    foreach (preg_split('/\r?\n/', $text) as $line) {
        $colon = strpos($line, ':');
        if ($colon !== false) {
            $headers[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
        }
    }
    return $headers;
}

function lienthong_secret(): string
{
    $secret = getenv('LIENTHONG_WEBHOOK_SECRET');
    if ($secret === false || $secret === '') {
        fwrite(STDERR, "set LIENTHONG_WEBHOOK_SECRET to the node's webhook secret\n");
        exit(2);
    }
    return $secret;
}

function lienthong_shown_id(?string $id): string
{
    return $id !== null && preg_match('/^[A-Za-z0-9._-]{1,128}$/', $id) ? $id : '-';
}

// Only when this file is the script being run, not when it is required by other code.
if (realpath(get_included_files()[0]) === __FILE__) {
    if (PHP_SAPI === 'cli') {
        if ($argc !== 3) {
            fwrite(STDERR, "usage: LIENTHONG_WEBHOOK_SECRET=... php verify_webhook.php <headers.txt> <body>\n");
            exit(2);
        }
        $headers = lienthong_parse_header_lines((string) file_get_contents($argv[1]));
        $body = (string) file_get_contents($argv[2]);
        $id = $headers['lienthong-message-id'] ?? null;
        $result = lienthong_verify_webhook($headers['lienthong-signature'] ?? null, $id, $body, lienthong_secret());
        echo $result === 'ok'
            ? 'ok ' . lienthong_shown_id($id) . ' ' . ($headers['lienthong-kind'] ?? '') . "\n"
            : 'bad ' . lienthong_shown_id($id) . ' ' . $result . "\n";
        exit($result === 'ok' ? 0 : 1);
    }

    // The webhook endpoint.
    if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
        http_response_code(405);
        exit;
    }
    $body = file_get_contents('php://input'); // the raw bytes: verify before parsing
    $id = $_SERVER['HTTP_LIENTHONG_MESSAGE_ID'] ?? null;
    $kind = $_SERVER['HTTP_LIENTHONG_KIND'] ?? '';
    $result = lienthong_verify_webhook($_SERVER['HTTP_LIENTHONG_SIGNATURE'] ?? null, $id, (string) $body, lienthong_secret());
    if ($result !== 'ok' || lienthong_shown_id($id) === '-') {
        error_log('bad ' . lienthong_shown_id($id) . ' ' . ($result === 'ok' ? 'malformed' : $result));
        http_response_code(401); // the hub fails this delivery and tells its operator
        exit;
    }
    // Store $id and $body in your database HERE, before answering: the hub counts 2xx as delivered.
    // The same id may come again (at-least-once delivery): answer 200 again without processing it twice.
    error_log("ok $id $kind");
    http_response_code(200);
}
