import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';
import { appendEvent } from './event.repository.ts';
import { date, str, strOrNull } from './sql-values.ts';

/** Business status codes of QCVN 102 status packages (01 arrived … 06 done; 13, 15, 16 take-back). */
export const BUSINESS_STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type BusinessStatusCode = (typeof BUSINESS_STATUS_CODES)[number];

/** One business status recorded for (document message, recipient organization). */
export interface BusinessStatusRecord {
  readonly id: string;
  readonly documentMessageId: string;
  readonly recipientOrganId: string;
  readonly code: BusinessStatusCode;
  /** The status package that carried it, when it came as one. */
  readonly statusMessageId: string | null;
  /** When the agency says it happened (the status package's Timestamp). */
  readonly at: Date;
  readonly recordedAt: Date;
  /** The code does not follow from the ones before (kept and flagged, never dropped). */
  readonly inconsistent: boolean;
  /** Why the hub flagged it as inconsistent. */
  readonly note: string | null;
  /** The status package's Description, in the agency's words (e.g. why a 02 refused the document). */
  readonly description: string | null;
}

/** A status to record. */
export interface BusinessStatusInput {
  readonly documentMessageId: string;
  readonly recipientOrganId: string;
  readonly code: BusinessStatusCode;
  readonly statusMessageId?: string | null | undefined;
  readonly at: Date;
  readonly inconsistent: boolean;
  readonly note?: string | null | undefined;
  readonly description?: string | null | undefined;
  readonly recordedAt: Date;
  readonly actor: string;
}

export function toBusinessStatusRecord(row: Record<string, unknown>): BusinessStatusRecord {
  return {
    id: str(row, 'id'),
    documentMessageId: str(row, 'document_message_id'),
    recipientOrganId: str(row, 'recipient_organ_id'),
    code: str(row, 'status_code') as BusinessStatusCode,
    statusMessageId: strOrNull(row, 'status_message_id'),
    at: date(row, 'at'),
    recordedAt: date(row, 'recorded_at'),
    inconsistent: row['inconsistent'] === true,
    note: strOrNull(row, 'note'),
    description: strOrNull(row, 'description'),
  };
}

/**
 * Records a business status with its event. Idempotent per (status message, recipient): recording
 * the same status message again returns the first record and writes nothing.
 */
export async function recordBusinessStatus(
  db: Db,
  input: BusinessStatusInput,
): Promise<BusinessStatusRecord> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query(
      `INSERT INTO business_statuses
         (id, document_message_id, recipient_organ_id, status_code, status_message_id, at, recorded_at, inconsistent, note, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (status_message_id, recipient_organ_id) WHERE status_message_id IS NOT NULL DO NOTHING
       RETURNING *`,
      [
        randomUUID(),
        input.documentMessageId,
        input.recipientOrganId,
        input.code,
        input.statusMessageId ?? null,
        input.at,
        input.recordedAt,
        input.inconsistent,
        input.note ?? null,
        input.description ?? null,
      ],
    );
    if (!rows[0]) {
      const existing = await tx.query(
        'SELECT * FROM business_statuses WHERE status_message_id = $1 AND recipient_organ_id = $2',
        [input.statusMessageId, input.recipientOrganId],
      );
      return toBusinessStatusRecord(existing.rows[0]!);
    }
    const record = toBusinessStatusRecord(rows[0]);
    const document = await tx.query<{ document_id: string }>(
      'SELECT document_id FROM messages WHERE id = $1',
      [input.documentMessageId],
    );
    await appendEvent(tx, {
      type: 'business_status.recorded',
      at: input.recordedAt,
      actor: input.actor,
      messageId: input.documentMessageId,
      organId: input.recipientOrganId,
      documentId: document.rows[0]?.document_id ?? null,
      data: {
        code: input.code,
        statusMessageId: input.statusMessageId ?? null,
        statusAt: input.at.toISOString(),
        inconsistent: input.inconsistent,
        ...(input.note ? { note: input.note } : {}),
        ...(input.description ? { description: input.description } : {}),
      },
    });
    return record;
  });
}

/**
 * Statuses recorded for a document message (optionally one recipient), in the order they reached the
 * hub: `at` is the agency's own clock, which can be wrong, so it never decides the order.
 */
export async function listBusinessStatuses(
  db: Db,
  filter: { readonly documentMessageId: string; readonly recipientOrganId?: string | undefined },
): Promise<BusinessStatusRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM business_statuses WHERE document_message_id = $1 AND ($2::text IS NULL OR recipient_organ_id = $2::text)
     ORDER BY recorded_at, id`,
    [filter.documentMessageId, filter.recipientOrganId ?? null],
  );
  return rows.map(toBusinessStatusRecord);
}
