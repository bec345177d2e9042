/** An attribute after namespace resolution (namespace '' for none or an unbound prefix). */
export interface XmlAttribute {
  readonly prefix: string;
  readonly local: string;
  readonly ns: string;
  readonly value: string;
}

/** An element of the light tree the reader builds; only what the edXML reader needs. */
export interface XmlElement {
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI, '' when none. */
  readonly ns: string;
  readonly attributes: readonly XmlAttribute[];
  /** Child elements in document order (a shared empty array for leaves, replaced on the first child). */
  children: readonly XmlElement[];
  /** Direct character data (text, CDATA, references resolved), comments removed, untrimmed. */
  text: string;
  /**
   * For raw elements (attachment bodies): [start, end) byte pairs of the character data, left
   * undecoded in the input. `text` stays '' for them. null for every other element.
   */
  readonly raw: number[] | null;
}

/** Limits the reader enforces while it reads, so hostile input costs little. */
export interface XmlLimits {
  /** Deepest element nesting allowed (root = 1). */
  readonly maxDepth: number;
  /** Elements + attributes + comments + CDATA sections. */
  readonly maxNodes: number;
  /** Largest run of character data outside raw elements, and of prolog/epilog whitespace. */
  readonly maxTextBytes: number;
}

export interface XmlReadOptions extends XmlLimits {
  /** Elements whose character data is kept as byte ranges (attachment bodies). */
  readonly rawElement: (ns: string, local: string) => boolean;
  /** Prefixes read as a namespace when no declaration is in scope (a warning each). */
  readonly fallbackPrefixes: Readonly<Record<string, string>>;
}

/** A refusal or a warning from the reader: a code of codes.ts, where, and why. */
export interface XmlIssue {
  readonly code: string;
  /** Slash path of local names of the open elements, '' before the root. */
  readonly path: string;
  readonly message: string;
}

export type XmlReadResult =
  | { readonly ok: true; readonly root: XmlElement; readonly warnings: readonly XmlIssue[] }
  | { readonly ok: false; readonly issue: XmlIssue; readonly warnings: readonly XmlIssue[] };

/** Thrown inside the reader to stop at the first refusal; never escapes `readXml`. */
export class XmlRefusal extends Error {
  readonly issue: XmlIssue;
  constructor(issue: XmlIssue) {
    super(issue.message);
    this.issue = issue;
  }
}
