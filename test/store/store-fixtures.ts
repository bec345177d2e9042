import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import type { AcceptedMessageInput, Db, MessageRecord } from '../../src/store/index.ts';
import { createNode, insertAcceptedMessage } from '../../src/store/index.ts';

export const T0 = new Date('2025-07-15T03:00:00.000Z');

/** `T0` plus some seconds. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A fresh three-letter level-1 code, so tests on one database never share organ ids. */
export function uniqueOrgan(level4 = '000'): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const pick = () => letters[randomBytes(1)[0]! % 26];
  return `${level4}.00.${String(randomBytes(1)[0]! % 100).padStart(2, '0')}.${pick()}${pick()}${randomBytes(2).readUInt16BE(0) % 1000}`;
}

/** Two nodes (sender, recipient) serving one organization each, with tokens. */
export async function seedPair(db: Db): Promise<{
  sender: { nodeId: string; organId: string; token: string };
  recipient: { nodeId: string; organId: string; token: string };
}> {
  const make = async (role: string) => {
    const nodeId = `${role}-${randomUUID().slice(0, 8)}`;
    const organId = uniqueOrgan();
    const { token } = await createNode(db, { id: nodeId, organizations: [organId], at: T0, actor: 'test' });
    return { nodeId, organId, token };
  };
  return { sender: await make('sender'), recipient: await make('recipient') };
}

/** A package input with fresh bytes and DocumentId, addressed to the given deliveries. */
export function packageInput(
  sender: { nodeId: string; organId: string },
  deliveries: AcceptedMessageInput['deliveries'],
  overrides: Partial<AcceptedMessageInput> = {},
): AcceptedMessageInput {
  const documentId = `${sender.organId},2025/07/15,${randomBytes(3).toString('hex')}/TEST`;
  return {
    kind: 'package',
    senderNodeId: sender.nodeId,
    senderOrganId: sender.organId,
    documentId,
    businessDocType: 0,
    statusCode: null,
    priority: 0,
    raw: Buffer.from(`<edXMLEnvelope>${documentId}|${randomBytes(8).toString('hex')}</edXMLEnvelope>`),
    summary: { documentId, subject: 'Thử nghiệm' },
    verdict: { status: 'verified' },
    receivedAt: T0,
    actor: `node:${sender.nodeId}`,
    deliveries,
    ...overrides,
  };
}

/** A seeded sender/recipient pair and one package accepted from one to the other (local route). */
export async function acceptOnePackage(db: Db): Promise<{ message: MessageRecord }> {
  const pair = await seedPair(db);
  const sent = await insertAcceptedMessage(
    db,
    packageInput(pair.sender, [
      {
        recipientOrganId: pair.recipient.organId,
        addressedOrganId: pair.recipient.organId,
        nodeId: pair.recipient.nodeId,
        route: 'local',
      },
    ]),
  );
  if (sent.kind !== 'accepted') throw new Error(`setup: the package was ${sent.kind}`);
  return { message: sent.message };
}

/** Expects a promise to reject with a LienthongError of this code. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<unknown> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isLienthongError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  return error;
}
