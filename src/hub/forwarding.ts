/** Most hubs a message may pass before the one that delivers it (a longer chain is a loop or a mistake). */
export const MAX_HOPS = 8;

/** One recipient a hop is responsible for: as addressed in the package, and as the hub before resolved it. */
export interface ForwardRecipient {
  readonly addressed: string;
  readonly recipient: string;
}

/**
 * What a peer hub says about a message it hands to this hub, beside the bytes (the transport
 * headers Lienthong-Message-Id, Lienthong-Hops and Lienthong-Recipients): never inside the signed
 * package, which no hub changes.
 */
export interface ForwardedFrom {
  /** The id the first hub gave the message: it stays its id on every hub. */
  readonly messageId: string;
  /** Hubs passed, in order, the sending hub last. */
  readonly hops: readonly string[];
  /**
   * The recipients this hop is responsible for, so that a package whose To spans several hubs is
   * delivered once per recipient in the whole federation; null: every recipient of the package.
   */
  readonly recipients: readonly ForwardRecipient[] | null;
}

/** `a>b,c` (Lienthong-Recipients) → pairs; `c` alone is addressed and resolved alike. Null when malformed. */
export function parseForwardRecipients(text: string): ForwardRecipient[] | null {
  const pairs: ForwardRecipient[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const [addressed, recipient, extra] = item.split('>').map((x) => x.trim());
    if (!addressed || extra !== undefined || recipient === '') return null;
    pairs.push({ addressed, recipient: recipient ?? addressed });
  }
  return pairs;
}

/** The Lienthong-Recipients value of pairs. */
export function formatForwardRecipients(pairs: readonly ForwardRecipient[]): string {
  return pairs
    .map((p) => (p.addressed === p.recipient ? p.addressed : `${p.addressed}>${p.recipient}`))
    .join(',');
}

/** `N,P1` (Lienthong-Hops) → hub ids; null when malformed. */
export function parseHops(text: string): string[] | null {
  const hops = text
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  return hops.every((h) => /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(h)) ? hops : null;
}
