import { LienthongError } from '../core/index.ts';
import { attempt, type HubResult } from '../hub/index.ts';
import type { NodeKind, SignaturePolicy } from '../routing/index.ts';
import {
  addClientCertificate,
  type CreatedNode,
  createNode,
  type Db,
  enableVxpSystem,
  generateWebhookSecret,
  getNode,
  getNodePushSettings,
  getVxpSystem,
  listNodes,
  markDirectoryChanged,
  type NodeDeliverySettingsInput,
  type NodeLimits,
  type NodePushSettings,
  type NodeRecord,
  revokeClientCertificate,
  rotateNodeToken,
  type SignerCertificateInput,
  setNodeDeliverySettings,
  setNodeLimits,
  setNodeWebhook,
  updateVxpSystem,
  type VxpAgencyPolicyValue,
} from '../store/index.ts';

/** Who does it and when: every change is an event with this actor. */
export interface AdminAudit {
  readonly at: Date;
  readonly actor: string;
}

/** A node to register, with everything that must exist together or not at all. */
export interface RegisterNodeInput {
  readonly id: string;
  readonly name?: string | undefined;
  readonly kind?: NodeKind | undefined;
  readonly signaturePolicy?: SignaturePolicy | undefined;
  readonly organizations: readonly string[];
  readonly signerCertificates: readonly SignerCertificateInput[];
  /** SHA-256 of the TLS client certificates it must call with. */
  readonly clientCertificates: readonly string[];
  /** Push deliveries to this URL (a webhook secret is issued). */
  readonly webhookUrl?: string | undefined;
  /** Also a VXP system (a secret is issued). */
  readonly vxp?: {
    readonly ipAllowList: readonly string[];
    readonly agencyPolicy?: VxpAgencyPolicyValue | undefined;
  };
}

/** A registered node and the secrets issued for it (shown once). */
export interface RegisteredNode {
  readonly created: CreatedNode;
  readonly webhookSecret?: string;
  readonly vxpSecret?: string;
}

/** How a node's deliveries are pushed: its webhook and retry/breaker settings. */
export interface DeliveryChange {
  /** A new webhook URL, or false to stop pushing (the node polls). */
  readonly webhook?: string | false | undefined;
  /** A new secret for the current webhook URL. */
  readonly rotateWebhookSecret?: boolean | undefined;
  readonly settings: NodeDeliverySettingsInput;
  /** The node's own request limits (null: back to the hub's default; 0: none). */
  readonly limits?: Partial<NodeLimits> | undefined;
  /** A VXP system's IP allow-list, replacing the current one (empty: any address). */
  readonly vxpIpAllowList?: readonly string[] | undefined;
}

/** Operator functions on nodes (the CLI's `node …` commands). Each change is one transaction. */
export interface NodeAdmin {
  register(input: RegisterNodeInput, audit: AdminAudit): Promise<HubResult<RegisteredNode>>;
  list(): Promise<NodeRecord[]>;
  /** A new token; the earlier ones stop working. */
  rotateToken(nodeId: string, audit: AdminAudit): Promise<HubResult<{ readonly token: string }>>;
  /** The node's push settings after the change, and the webhook secret when one was issued. */
  changeDelivery(
    nodeId: string,
    change: DeliveryChange,
    audit: AdminAudit,
  ): Promise<
    HubResult<{
      readonly push: NodePushSettings;
      readonly webhookSecret?: string;
      readonly limits: NodeLimits;
      /** The VXP allow-list after the change (null: the node is no VXP system). */
      readonly vxpIpAllowList: readonly string[] | null;
    }>
  >;
  /** The node's client certificates after adding and removing; `notRegistered`: removals that removed nothing. */
  changeClientCertificates(
    nodeId: string,
    change: { readonly add: readonly string[]; readonly remove: readonly string[] },
    audit: AdminAudit,
  ): Promise<HubResult<{ readonly current: readonly string[]; readonly notRegistered: readonly string[] }>>;
}

export function createNodeAdmin(db: Db): NodeAdmin {
  return {
    register(input, audit) {
      // The node, its credentials and its VXP system in one transaction: no half-registered system.
      return attempt(() =>
        db.tx(async (tx) => {
          const created = await createNode(tx, {
            id: input.id,
            name: input.name,
            kind: input.kind,
            signaturePolicy: input.signaturePolicy,
            organizations: input.organizations,
            signerCertificates: input.signerCertificates,
            ...audit,
          });
          for (const certSha256 of input.clientCertificates) {
            await addClientCertificate(tx, { nodeId: input.id, certSha256, ...audit });
          }
          let webhookSecret: string | undefined;
          if (input.webhookUrl !== undefined) {
            webhookSecret = generateWebhookSecret();
            await setNodeWebhook(tx, {
              nodeId: input.id,
              url: input.webhookUrl,
              secret: webhookSecret,
              ...audit,
            });
          }
          const vxp = input.vxp
            ? await enableVxpSystem(tx, {
                nodeId: input.id,
                ipAllowList: input.vxp.ipAllowList,
                agencyPolicy: input.vxp.agencyPolicy,
                ...audit,
              })
            : null;
          await markDirectoryChanged(tx, audit.at);
          return {
            created,
            ...(webhookSecret === undefined ? {} : { webhookSecret }),
            ...(vxp === null ? {} : { vxpSecret: vxp.secret }),
          };
        }),
      );
    },

    list: () => listNodes(db),

    rotateToken(nodeId, audit) {
      return attempt(async () => ({ token: (await rotateNodeToken(db, { nodeId, ...audit })).token }));
    },

    changeDelivery(nodeId, change, audit) {
      return attempt(() =>
        db.tx(async (tx) => {
          let webhookSecret: string | undefined;
          if (typeof change.webhook === 'string' || change.rotateWebhookSecret) {
            const current = await getNodePushSettings(tx, nodeId);
            const url = typeof change.webhook === 'string' ? change.webhook : current?.webhookUrl;
            if (!url) {
              throw new LienthongError(
                'STORE_INVALID_INPUT',
                `Node ${nodeId} has no webhook URL to rotate the secret of.`,
                { where: 'ops/node-admin', details: { nodeId } },
              );
            }
            webhookSecret = generateWebhookSecret();
            await setNodeWebhook(tx, { nodeId, url, secret: webhookSecret, ...audit });
          } else if (change.webhook === false) {
            await setNodeWebhook(tx, { nodeId, url: null, secret: null, ...audit });
          }
          const push = await setNodeDeliverySettings(tx, { nodeId, settings: change.settings, ...audit });
          const limits = await setNodeLimits(tx, { nodeId, limits: change.limits ?? {}, ...audit });
          if (change.vxpIpAllowList !== undefined) {
            await updateVxpSystem(tx, { nodeId, ipAllowList: change.vxpIpAllowList, ...audit });
          }
          const vxp = await getVxpSystem(tx, nodeId);
          return {
            push,
            limits,
            vxpIpAllowList: vxp?.ipAllowList ?? null,
            ...(webhookSecret === undefined ? {} : { webhookSecret }),
          };
        }),
      );
    },

    changeClientCertificates(nodeId, change, audit) {
      return attempt(() =>
        db.tx(async (tx) => {
          for (const certSha256 of change.add)
            await addClientCertificate(tx, { nodeId, certSha256, ...audit });
          const notRegistered: string[] = [];
          for (const certSha256 of change.remove) {
            if (!(await revokeClientCertificate(tx, { nodeId, certSha256, ...audit })))
              notRegistered.push(certSha256);
          }
          const node = await getNode(tx, nodeId);
          if (node === null) throw notFound(nodeId);
          return { current: node.clientCertificates, notRegistered };
        }),
      );
    },
  };
}

function notFound(nodeId: string): LienthongError {
  return new LienthongError('STORE_NOT_FOUND', `No node ${nodeId}.`, {
    where: 'ops/node-admin',
    details: { nodeId },
  });
}
