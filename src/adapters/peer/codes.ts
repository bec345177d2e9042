import { defineCodes } from '../../core/index.ts';

/** Codes of hand-overs to peer hubs (a delivery's last error when the next hub could not be reached). */
export const peerCodes = defineCodes({
  PEER_UNREACHABLE: {
    http: 502,
    meaning:
      'The next hub could not be reached (connection refused or reset, DNS, TLS): the delivery waits and is handed over when it answers again.',
    vi: 'Không kết nối được tới trục liên thông kế tiếp',
    action:
      'Check that the peer hub runs and that its URL (`lienthong hub list`) is reachable from this hub; nothing is lost meanwhile.',
  },
  PEER_TIMEOUT: {
    http: 504,
    meaning: 'The next hub did not answer in time; the hand-over is tried again with backoff.',
    vi: 'Trục liên thông kế tiếp không phản hồi kịp thời',
    action: 'Check the peer hub’s load and the network between the hubs.',
  },
  PEER_HTTP_RETRYABLE: {
    http: 502,
    meaning:
      'The next hub answered 401, 408, 429 or 5xx: it is up but cannot take the message now (or refuses this hub’s token); tried again.',
    vi: 'Trục liên thông kế tiếp tạm thời không tiếp nhận gói tin',
    action:
      'For 401: set the token the peer issued with `lienthong hub set ID --token …`; otherwise wait for the peer hub to recover.',
  },
  PEER_REFUSED: {
    http: 502,
    meaning:
      'The next hub refused the message without a code of its own (a 4xx that is not a problem document); the delivery failed.',
    vi: 'Trục liên thông kế tiếp từ chối tiếp nhận gói tin',
    action:
      'Check the peer hub’s version and logs; retry the delivery once it is fixed (`lienthong deliveries retry`).',
  },
  PEER_BAD_ANSWER: {
    http: 502,
    meaning:
      'The next hub accepted but its answer could not be read; tried again (the next hub deduplicates).',
    vi: 'Không đọc được phản hồi của trục liên thông kế tiếp',
    action: 'Check that the peer URL points at a lienthong hub (`…/v1` is appended by this hub).',
  },
  PEER_NO_TOKEN: {
    http: 502,
    meaning: 'This hub has no token to call the peer hub with.',
    vi: 'Chưa có mã truy cập để kết nối tới trục liên thông kế tiếp',
    action: 'Set the token the peer printed for this hub: `lienthong hub set ID --token …`.',
  },
});

export type PeerCode = keyof typeof peerCodes;
