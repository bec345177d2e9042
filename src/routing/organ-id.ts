/**
 * QĐ 20/2020 electronic identifiers of agencies (QCVN 102 §6): dot-separated groups of 0-9 A-Z
 * read right to left — level 1 (letter + 2 digits, e.g. H29), level 2, level 3, level 4 — with
 * unused lower levels written as zeros, at most 35 characters. E.g. `000.00.00.G22`.
 */
const ORGAN_ID = /^[0-9A-Z]+(\.[0-9A-Z]+)*$/;

/** Longest identifier QĐ 20/2020 allows. */
export const MAX_ORGAN_ID_LENGTH = 35;

/** True for a well-formed organ id (the database enforces the same rule). */
export function isOrganId(value: string): boolean {
  return value.length <= MAX_ORGAN_ID_LENGTH && ORGAN_ID.test(value);
}

const isZeros = (group: string) => /^0+$/.test(group);

/**
 * True when `organId` lies in the subtree rooted at `rootId`, judged by identifier structure:
 * groups are compared from the right (level 1 first) until the root has a group of zeros, which
 * stands for "any" at that level and below. `000.00.00.H29` covers every id whose level-1 group is
 * H29; `000.00.05.H29` covers `xxx.yy.05.H29`. A root whose level-1 group is zeros covers nothing:
 * claiming everything is what a parent hub does, not a child.
 */
export function isInOrganSubtree(organId: string, rootId: string): boolean {
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
