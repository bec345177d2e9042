import { hasControlCharacters } from '../../../core/index.ts';
import type { VxpAgency, VxpAgencyRequest } from '../../../hub/vxp/vxp-service.ts';
import { listOk, plainOk, type WireItem } from '../envelope.ts';
import { json, param, refuse, refuseWith, requireParam, type VxpAnswer, type VxpCall } from '../vxp-call.ts';

/** POST getAgenciesList: `id, pid, code, name, mail, oldCode` (spec §5.8). */
export async function getAgenciesList(call: VxpCall): Promise<VxpAnswer> {
  const agencies = await call.port.listAgencies({ includeDeleted: false });
  return json(
    listOk(
      agencies.map(
        (a): WireItem => ({
          id: a.id,
          pid: a.parentId ?? '',
          code: a.code,
          name: a.name,
          mail: a.mail,
          oldCode: a.oldCode,
        }),
      ),
    ),
  );
}

/** POST getAgenciesListQD20: `id, code, name, mail, code102` (the pre-QĐ 20 identifier), filtered by `level`. */
export async function getAgenciesListQD20(call: VxpCall): Promise<VxpAnswer> {
  const levelText = param(call, 'level');
  const level = levelText === undefined ? undefined : Number(levelText);
  if (level !== undefined && !(Number.isInteger(level) && level >= 0)) {
    refuse('VXP_BAD_PARAMETER', 'level must be a whole number');
  }
  const agencies = await call.port.listAgencies({
    includeDeleted: false,
    ...(level === undefined ? {} : { level }),
  });
  return json(
    listOk(
      agencies.map(
        (a): WireItem => ({ id: a.id, code: a.code, name: a.name, mail: a.mail, code102: a.oldCode }),
      ),
    ),
  );
}

/** getSynchronizeUnit item: `version` must be an integer and the flags booleans (the SDK uses getAsInt/getAsBoolean). */
export function synchronizeUnitItem(a: VxpAgency): WireItem {
  return {
    id: a.id,
    pid: a.parentId ?? '',
    code: a.code,
    name: a.name,
    mail: a.mail,
    centerCode: a.centerCode,
    modifyDate: a.modifiedAt.toISOString(),
    version: Number.isSafeInteger(a.version) ? a.version : 0,
    deleted: a.deleted,
    isAgency: a.isAgency,
  };
}

/** POST getSynchronizeUnit: the whole directory, deleted entries included, for a client to mirror. */
export async function getSynchronizeUnit(call: VxpCall): Promise<VxpAnswer> {
  const agencies = await call.port.listAgencies({ includeDeleted: true });
  return json(listOk(agencies.map(synchronizeUnitItem)));
}

function requireAgencyPolicy(call: VxpCall, what: string): void {
  if (call.system.agencyPolicy !== 'pending-approval') {
    refuse(
      'VXP_AGENCY_POLICY_REFUSED',
      `this hub does not accept ${what} from this system; ask the hub operator to change the directory`,
    );
  }
}

/** A member of the registerAgency body as text (numbers are tolerated, like Gson would). */
function text(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  // Text with control characters is no agency's name or number (and NUL cannot be stored at all).
  if (typeof value === 'string' && hasControlCharacters(value)) {
    refuse('VXP_BAD_BODY', `${name} holds control characters`);
  }
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Parses the registerAgency body; malformed JSON (ServiceTest's own sample is) gets a FAIL envelope. */
export function parseAgencyRequest(body: Buffer): VxpAgencyRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    refuse('VXP_BAD_BODY', 'the registerAgency body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    refuse('VXP_BAD_BODY', 'the registerAgency body must be a JSON object');
  }
  const o = parsed as Record<string, unknown>;
  const code = text(o, 'code');
  const name = text(o, 'name');
  if (code === undefined || name === undefined) refuse('VXP_BAD_BODY', 'code and name are required');
  const optional = (key: keyof VxpAgencyRequest, member: string) => {
    const value = text(o, member);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    code,
    name,
    ...optional('id', 'id'),
    ...optional('parentCode', 'pcode'),
    ...optional('mail', 'mail'),
    ...optional('mobile', 'mobile'),
    ...optional('fax', 'fax'),
  };
}

/** POST registerAgency: refused unless the system's policy allows it; then filed pending operator approval. */
export async function registerAgency(call: VxpCall): Promise<VxpAnswer> {
  requireAgencyPolicy(call, 'registerAgency');
  if (call.body.length > call.settings.maxSmallBodyBytes) {
    refuse('VXP_PAYLOAD_TOO_LARGE', 'the registerAgency body is too large');
  }
  const result = await call.port.registerAgency(call.system.nodeId, parseAgencyRequest(call.body), call.at);
  if (!result.ok) refuseWith(result.error);
  return json(
    plainOk(result.value.state === 'unchanged' ? 'Success: already requested' : 'Success: pending approval'),
  );
}

/** POST deleteAgency (`AgencyCode`): refused unless the system's policy allows it; then filed pending approval. */
export async function deleteAgency(call: VxpCall): Promise<VxpAnswer> {
  requireAgencyPolicy(call, 'deleteAgency');
  const code = requireParam(call, 'AgencyCode');
  const result = await call.port.deleteAgency(call.system.nodeId, code, call.at);
  if (!result.ok) refuseWith(result.error);
  return json(
    plainOk(result.value.state === 'unchanged' ? 'Success: already requested' : 'Success: pending approval'),
  );
}
