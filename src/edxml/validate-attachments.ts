import type { EdxmlAttachment } from './attachment.ts';
import type { Manifest } from './model.ts';
import { PATHS, type ValueChecks } from './value-checks.ts';

function countBy(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) if (id !== '') counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * Every manifest Reference is matched by exactly one Attachment with the same ContentId, and the
 * other way round; the descriptions agree; each body is base64 that decodes.
 */
export function checkAttachments(
  manifest: Manifest,
  attachments: readonly EdxmlAttachment[],
  checks: ValueChecks,
): void {
  const { sink } = checks;
  manifest.references.forEach((r, i) => {
    checks.required(r.contentId, `${PATHS.manifest}/Reference[${i + 1}]/ContentId`);
  });
  attachments.forEach((a, i) => {
    checks.required(a.contentId, `${PATHS.attachments}/Attachment[${i + 1}]/ContentId`);
  });
  const refs = countBy(manifest.references.map((r) => r.contentId));
  const bodies = countBy(attachments.map((a) => a.contentId));
  const reported = new Set<string>();
  manifest.references.forEach((r, i) => {
    const n = bodies.get(r.contentId) ?? 0;
    if (r.contentId === '' || reported.has(r.contentId) || (n === 1 && refs.get(r.contentId) === 1)) return;
    reported.add(r.contentId);
    const why = n === 0 ? 'has no Attachment' : n > 1 ? `has ${n} Attachments` : 'is listed several times';
    sink.error(
      'EDXML_ATTACHMENT_MISMATCH',
      `${PATHS.manifest}/Reference[${i + 1}]`,
      `manifest entry ${r.contentId} ${why}`,
    );
  });
  attachments.forEach((a, i) => {
    if (a.contentId === '' || reported.has(a.contentId) || refs.has(a.contentId)) return;
    reported.add(a.contentId);
    sink.error(
      'EDXML_ATTACHMENT_MISMATCH',
      `${PATHS.attachments}/Attachment[${i + 1}]`,
      `attachment ${a.contentId} is not in the manifest`,
    );
  });

  const byId = new Map(attachments.map((a) => [a.contentId, a] as const));
  manifest.references.forEach((r, i) => {
    const a = byId.get(r.contentId);
    if (!a || bodies.get(r.contentId) !== 1) return;
    for (const field of ['contentType', 'attachmentName'] as const) {
      const [left, right] = [r[field], a[field]];
      if (left !== undefined && right !== undefined && left !== right) {
        sink.warning(
          'EDXML_ATTACHMENT_META_MISMATCH',
          `${PATHS.manifest}/Reference[${i + 1}]`,
          `${field} "${left.slice(0, 60)}" in the manifest, "${right.slice(0, 60)}" in the attachment`,
        );
      }
    }
  });

  attachments.forEach((a, i) => {
    const path = `${PATHS.attachments}/Attachment[${i + 1}]/ContentTransferEncoded`;
    // The hub carries attachments as opaque bytes and the national axis' own SDK samples ship a
    // placeholder body: an undecodable body is reported, and refused only in strict mode.
    if (a.base64Problem)
      sink.warning('EDXML_BAD_BASE64', path, `attachment ${a.contentId} is not base64 (${a.base64Problem})`);
    else if (a.base64Unpadded)
      sink.warning('EDXML_BASE64_UNPADDED', path, `attachment ${a.contentId} lacks "=" padding`);
  });
}
