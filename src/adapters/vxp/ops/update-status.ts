import { plainOk } from '../envelope.ts';
import { json, param, refuse, refuseWith, requireParam, type VxpAnswer, type VxpCall } from '../vxp-call.ts';

/** A transport remark word: what the iOffice gateway validates (inbox, acceptance, ...) and similar tokens. */
const REMARK_WORD = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * POST updateStatus (spec §5.4), by the `status` word:
 *   - `done`: the system took the message; acknowledged (idempotent: the SDK retries blindly);
 *   - `fail`: the system could not take it; recorded, and it stays offered up to the failure limit;
 *   - any other word (inbox, acceptance, processing, ...): recorded on the trace as the system's own
 *     transport remark. Business statuses travel as status packages through sendEdoc, not here.
 */
export async function updateStatus(call: VxpCall): Promise<VxpAnswer> {
  const word = requireParam(call, 'status').toLowerCase();
  const docId = requireParam(call, 'docId');
  const nodeId = call.system.nodeId;
  if (word === 'done') {
    const result = await call.port.acknowledge(nodeId, docId, call.at);
    if (!result.ok) refuseWith(result.error);
    return json(plainOk());
  }
  if (word === 'fail') {
    const reason = param(call, 'reason') ?? param(call, 'description') ?? 'the system reported fail';
    const result = await call.port.reportFailure(nodeId, docId, {
      reason,
      maxFailures: call.settings.maxFailReports,
      at: call.at,
    });
    if (!result.ok) refuseWith(result.error);
    return json(plainOk());
  }
  if (!REMARK_WORD.test(word)) {
    refuse('VXP_BAD_PARAMETER', 'status must be done, fail, or a short word such as inbox or processing');
  }
  const result = await call.port.recordTransportRemark(nodeId, docId, { word, at: call.at });
  if (!result.ok) refuseWith(result.error);
  return json(plainOk());
}
