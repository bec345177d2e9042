import type { Db } from './db.ts';
import { RECEIPT_SELECT, type ReceiptRecord, toReceiptRecord } from './push-lifecycle.ts';

/** The receipts written about a message's deliveries, oldest first (tests, operator views). */
export async function listReceiptsForMessage(db: Db, messageId: string): Promise<ReceiptRecord[]> {
  const { rows } = await db.query(`${RECEIPT_SELECT} WHERE r.message_id = $1 ORDER BY r.created_at, r.id`, [
    messageId,
  ]);
  return rows.map(toReceiptRecord);
}
