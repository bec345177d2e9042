import type { SignerPin } from '../routing/index.ts';
import type { Db } from './db.ts';
import { appendEvents } from './event.repository.ts';
import type { Audit } from './organization.repository.ts';
import { dateOrNull, str, strOrNull } from './sql-values.ts';

/** A signer certificate to pin: SHA-256 of its DER (hex), with facts kept for operators. */
export interface SignerCertificateInput {
  readonly sha256: string;
  readonly subject?: string | null | undefined;
  readonly notAfter?: Date | null | undefined;
}

export function toSignerPin(row: Record<string, unknown>): SignerPin {
  return {
    nodeId: str(row, 'node_id'),
    organId: str(row, 'organ_id'),
    certSha256: str(row, 'cert_sha256'),
    subject: strOrNull(row, 'subject'),
    notAfter: dateOrNull(row, 'not_after'),
  };
}

/**
 * Pins each certificate for each organization (node, organization, certificate), idempotently;
 * the organizations must exist. Returns how many bindings were new.
 */
export async function bindSignerCertificates(
  db: Db,
  nodeId: string,
  organIds: readonly string[],
  certificates: readonly SignerCertificateInput[],
  audit: Audit,
): Promise<number> {
  let added = 0;
  for (const certificate of certificates) {
    const sha256 = certificate.sha256.toLowerCase();
    const { rows } = await db.query<{ organ_id: string }>(
      `INSERT INTO signer_bindings (node_id, organ_id, cert_sha256, subject, not_after, created_at)
       SELECT $1, organ_id, $3, $4, $5, $6 FROM unnest($2::text[]) AS organ_id
       ON CONFLICT DO NOTHING RETURNING organ_id`,
      [nodeId, [...organIds], sha256, certificate.subject ?? null, certificate.notAfter ?? null, audit.at],
    );
    added += rows.length;
    await appendEvents(
      db,
      rows.map((r) => ({
        type: 'node.signer_bound',
        ...audit,
        nodeId,
        organId: r.organ_id,
        data: { certSha256: sha256, subject: certificate.subject ?? null },
      })),
    );
  }
  return added;
}

/** Pinned signer certificates, optionally for one node and/or one organization. */
export async function listSignerBindings(
  db: Db,
  filter: { readonly nodeId?: string; readonly organId?: string } = {},
): Promise<SignerPin[]> {
  const { rows } = await db.query(
    `SELECT * FROM signer_bindings WHERE ($1::text IS NULL OR node_id = $1) AND ($2::text IS NULL OR organ_id = $2)
     ORDER BY organ_id, node_id, cert_sha256`,
    [filter.nodeId ?? null, filter.organId ?? null],
  );
  return rows.map(toSignerPin);
}
