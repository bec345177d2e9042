/**
 * Organ ids come in two strengths.
 *
 * - An identifier the hub can store and route ({@link isOrganId}): a conservative token of 1-64
 *   characters `0-9 A-Z a-z . _ -`, the first a letter or digit. Ids in the wild are not all
 *   QĐ 20/2020-shaped (`vxp.saas.03` from a SaaS gateway, `01.02.G22`, `28.22.H17`); the directory
 *   decides which ids exist, so any such token is looked up there. Spaces, slashes, control
 *   characters, commas and the like are refused: they are never ids and would be unsafe in logs,
 *   URLs and CSV. Ids compare exactly (case matters: `vxp.saas.03` is not `VXP.SAAS.03`).
 * - A QĐ 20/2020 electronic identifier ({@link isQd20OrganId}, QCVN 102 §6): dot-separated groups
 *   of 0-9 A-Z read right to left — level 1 (letter + 2 digits, e.g. H29), level 2, level 3,
 *   level 4 — with unused lower levels written as zeros, at most 35 characters, e.g.
 *   `000.00.00.G22`. Only for warnings and for the rules that read the structure (child-hub
 *   subtrees).
 */
const ORGAN_ID_TOKEN = /^[0-9A-Za-z][0-9A-Za-z._-]*$/;
const QD20_ORGAN_ID = /^[0-9A-Z]+(\.[0-9A-Z]+)*$/;

/** Longest identifier the hub stores (the database enforces the same rule). */
export const MAX_ORGAN_ID_LENGTH = 64;

/** Longest identifier QĐ 20/2020 allows. */
export const MAX_QD20_ORGAN_ID_LENGTH = 35;

/** True for an identifier the hub can store and route (the database enforces the same rule). */
export function isOrganId(value: string): boolean {
  return value.length <= MAX_ORGAN_ID_LENGTH && ORGAN_ID_TOKEN.test(value);
}

/** True for an id shaped like a QĐ 20/2020 identifier (dot-separated groups of 0-9 A-Z, ≤ 35). */
export function isQd20OrganId(value: string): boolean {
  return value.length <= MAX_QD20_ORGAN_ID_LENGTH && QD20_ORGAN_ID.test(value);
}

const isZeros = (group: string) => /^0+$/.test(group);

/**
 * True when `organId` lies in the subtree rooted at `rootId`, judged by identifier structure:
 * groups are compared from the right (level 1 first) until the root has a group of zeros, which
 * stands for "any" at that level and below. `000.00.00.H29` covers every id whose level-1 group is
 * H29; `000.00.05.H29` covers `xxx.yy.05.H29`. A root whose level-1 group is zeros covers nothing:
 * claiming everything is what a parent hub does, not a child. Only QĐ 20/2020-shaped ids have that
 * structure: any other id (e.g. `vxp.saas.03`, or a root that is not QĐ 20-shaped) is in no subtree
 * and is routed by the directory alone.
 */
export function isInOrganSubtree(organId: string, rootId: string): boolean {
  if (!isQd20OrganId(organId) || !isQd20OrganId(rootId)) return false;
  const id = organId.split('.');
  const root = rootId.split('.');
  if (root.length === 0 || isZeros(root.at(-1) ?? '0')) return false;
  for (let k = 1; k <= root.length; k += 1) {
    const rootGroup = root[root.length - k]!;
    if (isZeros(rootGroup)) return true;
    if (id[id.length - k] !== rootGroup) return false;
  }
  return true;
}

/** Number of significant (non-zero) groups of a subtree root: a higher number is a more specific root. */
export function subtreeSpecificity(rootId: string): number {
  const root = rootId.split('.');
  let significant = 0;
  for (let k = root.length - 1; k >= 0 && !isZeros(root[k]!); k -= 1) significant += 1;
  return significant;
}
