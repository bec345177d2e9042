<?php
// Send, poll, fetch and acknowledge through a lienthong hub's node API (/v1). PHP 7.4+ / 8.x with
// the curl extension (Debian: apt-get install php-cli php-curl).
//
//   php example.php <hubUrl> <token> send <file.edxml>       prints "sent <id> <kind> duplicate=…"
//   php example.php <hubUrl> <token> poll [waitSeconds]       one long poll; fetch, check, ack the
//                                                             first item; prints "acked <id>" or "empty"
//   php example.php <hubUrl> <token> trace <messageId>
//
// hubUrl is e.g. http://127.0.0.1:8080 (without /v1). Token "-": read LIENTHONG_TOKEN.

/** One call to /v1. Returns [status, body, headers]; retries 429/503 after Retry-After. */
function lienthong_call(string $base, string $token, string $method, string $path, ?string $body = null, int $timeout = 60): array
{
    for ($attempt = 1; ; $attempt++) {
        $retryAfter = null;
        $ch = curl_init(rtrim($base, '/') . '/v1' . $path);
        $headers = ['Authorization: Bearer ' . $token, 'Accept: application/json'];
        curl_setopt_array($ch, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_CONNECTTIMEOUT => 10,
            CURLOPT_TIMEOUT => $timeout,
            CURLOPT_HEADERFUNCTION => function ($ch, string $line) use (&$retryAfter) {
                if (stripos($line, 'retry-after:') === 0) {
                    $retryAfter = (int) trim(substr($line, 12));
                }
                return strlen($line);
            },
        ]);
        if ($body !== null) {
            if ($body !== '') {
                $headers[] = 'Content-Type: application/xml';
            }
            curl_setopt($ch, CURLOPT_POSTFIELDS, $body); // the exact bytes, no form encoding
        }
        curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
        $answer = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);
        if ($answer === false) {
            // Network failure. Safe to repeat even for a send: the same bytes sent again get the
            // first receipt back (duplicate: true).
            if ($attempt >= 5) {
                throw new RuntimeException("the hub cannot be reached: $error");
            }
            sleep(2 ** $attempt);
            continue;
        }
        if ($status >= 200 && $status < 300) {
            return [$status, $answer];
        }
        // problem+json with a stable code (docs/errors.md).
        $problem = json_decode($answer, true);
        $code = $problem['code'] ?? "HTTP_$status";
        $detail = $problem['detail'] ?? $answer;
        if (!in_array($status, [429, 500, 502, 503, 504], true) || $attempt >= 5) {
            throw new RuntimeException("$status $code: $detail");
        }
        sleep($retryAfter ?? 2 ** $attempt);
    }
}

if (realpath(get_included_files()[0]) === __FILE__) {
    if ($argc < 4) {
        fwrite(STDERR, "usage: php example.php <hubUrl> <token|-> send <file> | poll [wait] | trace <id>\n");
        exit(2);
    }
    [, $base, $token, $command] = $argv;
    if ($token === '-') {
        $token = (string) getenv('LIENTHONG_TOKEN');
    }
    try {
        if ($command === 'send') {
            [, $text] = lienthong_call($base, $token, 'POST', '/messages', (string) file_get_contents($argv[4]), 120);
            $receipt = json_decode($text, true);
            echo "sent {$receipt['id']} {$receipt['kind']} duplicate=" . ($receipt['duplicate'] ? 'true' : 'false') . "\n";
            foreach ($receipt['recipients'] as $r) {
                echo "  to {$r['organId']} {$r['state']}" . (isset($r['reason']) ? " {$r['reason']}" : '') . "\n";
            }
        } elseif ($command === 'poll') {
            $wait = (int) ($argv[4] ?? 20);
            [, $text] = lienthong_call($base, $token, 'GET', "/inbox?limit=1&wait=$wait", null, $wait + 30);
            $items = json_decode($text, true)['items'];
            if (count($items) === 0) {
                echo "empty\n";
                exit(0);
            }
            $item = $items[0];
            [, $bytes] = lienthong_call($base, $token, 'GET', '/messages/' . rawurlencode($item['id']), null, 120);
            if (hash('sha256', $bytes) !== $item['sha256']) {
                throw new RuntimeException("message {$item['id']} arrived damaged; not acknowledged");
            }
            echo "received {$item['id']} {$item['kind']} {$item['documentId']} from {$item['fromOrganId']} (" . strlen($bytes) . " bytes)\n";
            // Store $bytes (and check their XML signature) HERE, before acknowledging.
            [, $ack] = lienthong_call($base, $token, 'POST', '/messages/' . rawurlencode($item['id']) . '/ack', '');
            echo "acked {$item['id']} changed=" . (json_decode($ack, true)['changed'] ? 'true' : 'false') . "\n";
        } elseif ($command === 'trace') {
            [, $text] = lienthong_call($base, $token, 'GET', '/messages/' . rawurlencode($argv[4]) . '/trace');
            echo $text, "\n";
        } else {
            fwrite(STDERR, "unknown command $command\n");
            exit(2);
        }
    } catch (RuntimeException $e) {
        fwrite(STDERR, 'error ' . $e->getMessage() . "\n");
        exit(1);
    }
}
