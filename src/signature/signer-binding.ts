// Is this signer allowed to sign for this From organization? The hub calls this with the bindings
// from its directory. Pins (certificate or public-key SHA-256 registered for the organization) are
// the strong form: when an organization has pins, only a pinned signer is bound, so a certificate
// that some trusted CA issued with the right OU cannot bypass them. Without pins, a configured subject
// attribute (e.g. OU or UID) that carries the organ id, exactly, binds the signer.
import type { Finding } from '../core/index.ts';
import type { SignerIdentity } from './verdict.ts';

export type SignerBinding =
  | { kind: 'thumbprint'; organId: string; sha256: string }
  | { kind: 'public-key'; organId: string; sha256: string };

export interface BindingPolicy {
  bindings: readonly SignerBinding[];
  /** Subject attributes that may carry the organ id, e.g. ['OU', 'UID']. */
  subjectAttributes: readonly string[];
}

/** Null when the signer is bound to `fromOrganId`; otherwise a SIGNER_NOT_SENDER error finding. */
export function checkSignerBinding(
  signer: SignerIdentity,
  fromOrganId: string,
  policy: BindingPolicy,
): Finding | null {
  const pins = policy.bindings.filter((b) => b.organId === fromOrganId);
  if (pins.length > 0) {
    const bound = pins.some((pin) =>
      pin.kind === 'thumbprint'
        ? sameHex(pin.sha256, signer.sha256Thumbprint)
        : sameHex(pin.sha256, signer.publicKeySha256),
    );
    return bound
      ? null
      : notSender(`The signer is not among the ${pins.length} certificate(s) pinned for ${fromOrganId}.`);
  }
  for (const attribute of policy.subjectAttributes) {
    if ((signer.subjectAttributes[attribute] ?? []).some((value) => value === fromOrganId)) return null;
  }
  const looked = policy.subjectAttributes.join(', ') || 'no attribute';
  return notSender(`No pin for ${fromOrganId}, and the signer subject (${looked}) does not carry it.`);
}

function sameHex(a: string, b: string): boolean {
  return a.replace(/:/g, '').toLowerCase() === b.replace(/:/g, '').toLowerCase();
}

function notSender(message: string): Finding {
  return {
    code: 'SIGNER_NOT_SENDER',
    severity: 'error',
    path: 'edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId',
    message,
  };
}
