import { Type } from 'typebox';

export const FindingSchema = Type.Object({
  code: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  path: Type.String(),
  message: Type.String(),
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String({
      description:
        'The stable code; its Vietnamese title instead when Accept-Language prefers vi (then Content-Language: vi).',
    }),
    titleVi: Type.Optional(
      Type.String({
        description: 'The Vietnamese title of the code, for an agency’s staff (docs/errors.md).',
      }),
    ),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code (see docs/errors.md).' }),
    detail: Type.String(),
    findings: Type.Array(FindingSchema),
    requestId: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Problem', description: 'application/problem+json' },
);

export const ReceiptSchema = Type.Object({
  id: Type.String({
    description: 'Message id assigned by the first hub; it stays the id on every hub the message passes.',
  }),
  hub: Type.Optional(Type.String({ description: 'The hub that wrote this receipt (LIENTHONG_HUB_ID).' })),
  receivedAt: Type.Optional(Type.String({ description: 'When that hub accepted the message.' })),
  kind: Type.Union([Type.Literal('package'), Type.Literal('status')]),
  documentId: Type.String(),
  duplicate: Type.Boolean({
    description: 'True when the same bytes were already accepted: nothing new was created.',
  }),
  recipients: Type.Array(
    Type.Object({
      organId: Type.String(),
      state: Type.String({ description: '`queued`, or `unroutable` with a reason.' }),
      reason: Type.Optional(Type.String()),
      deliveredTo: Type.Optional(
        Type.String({ description: 'The successor organization, when redirected.' }),
      ),
    }),
  ),
  findings: Type.Array(FindingSchema),
});

export const InboxItemSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('package'), Type.Literal('status')]),
  documentId: Type.String(),
  fromOrganId: Type.String(),
  toOrganId: Type.String(),
  priority: Type.Integer({ minimum: 0, maximum: 4 }),
  statusCode: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
});

const StatusEntrySchema = Type.Object({
  code: Type.String({
    description: 'Business status: 01 arrived … 06 done, 13 take-back asked, 15/16 answers.',
  }),
  nameVi: Type.Optional(
    Type.String({
      description: "The code's Vietnamese name (01 'Đã đến' … 06 'Hoàn thành'), for an agency's staff.",
    }),
  ),
  at: Type.String({
    description:
      "When the agency says it happened: the status package's Timestamp, never later than receivedAt.",
  }),
  receivedAt: Type.String({ description: 'When the hub received the status package.' }),
  statusMessageId: Type.String(),
  inconsistent: Type.Boolean({
    description: 'The code does not follow from the ones before (e.g. 06 after 02).',
  }),
  note: Type.Optional(Type.String({ description: 'Why the hub flagged it as inconsistent.' })),
  description: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: "The status package's Description, in the agency's words (e.g. why a 02 refused).",
    }),
  ),
});

const EventSchema = Type.Object({
  type: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const HopSchema = Type.Object({
  hub: Type.String({ description: 'A hub the delivery passed after this one.' }),
  acceptedAt: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});

export const TraceSchema = Type.Object({
  id: Type.String(),
  hub: Type.String({ description: 'The hub answering (LIENTHONG_HUB_ID).' }),
  path: Type.Array(Type.String(), { description: 'Hubs the message passed before this one, in order.' }),
  kind: Type.Union([Type.Literal('package'), Type.Literal('status')]),
  documentId: Type.String(),
  fromOrganId: Type.String(),
  businessType: Type.Union([Type.Integer(), Type.Null()]),
  statusCode: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
  sha256: Type.String(),
  deliveries: Type.Array(
    Type.Object({
      recipientOrganId: Type.String(),
      addressedOrganId: Type.String(),
      nodeId: Type.Union([Type.String(), Type.Null()]),
      route: Type.String({ description: 'local, child-hub or parent-hub' }),
      state: Type.String(),
      hops: Type.Array(HopSchema, { description: 'The hubs beyond this one, in order.' }),
      createdAt: Type.String(),
      deliveredAt: Type.Union([Type.String(), Type.Null()]),
      updatedAt: Type.String(),
      deliveredBy: Type.Union([Type.String(), Type.Null()]),
      statuses: Type.Array(StatusEntrySchema),
      events: Type.Array(EventSchema),
    }),
  ),
});

export const MessageIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
