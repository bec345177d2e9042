// The direct verifier against the DOM path and xmlsec1 (issue #16): on packages signed every way
// the project knows and on seeded mutations of them, the direct path never accepts what the DOM path
// refuses, gives exactly the DOM path's verdict when it accepts, agrees with xmlsec1, and really is
// the path taken for ordinary packages. The long run (10 000+ cases) is bench/direct-verify.bench.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDirect } from '../../../src/signature/direct/verify-direct.ts';
import { type SignatureVerdict, verifyEdxmlSignature } from '../../../src/signature/index.ts';
import { type TestPki, testPki } from '../../support/pki.ts';
import { type CorpusCase, MUTATIONS, mutatedCorpus, signedCorpus } from '../../support/signature-corpus.ts';
import { xmlsecVerify } from '../../support/signature-xmlsec.ts';

interface Outcome {
  readonly c: CorpusCase;
  readonly direct: SignatureVerdict | null;
  readonly dom: SignatureVerdict;
}

describe('the direct verifier', () => {
  let pki: TestPki;
  let base: CorpusCase[];
  let outcomes: Outcome[];

  const judge = async (c: CorpusCase): Promise<Outcome> => {
    const bytes = Buffer.from(c.xml, 'utf8');
    const options = { at: pki.at };
    return {
      c,
      direct: await verifyDirect(bytes, pki.store, options),
      dom: await verifyEdxmlSignature(bytes, pki.store, { ...options, direct: false }),
    };
  };

  beforeAll(async () => {
    pki = await testPki();
    base = await signedCorpus(pki, 42, 16);
    const rsa = base.filter(
      (c) => c.name.startsWith('rsa xmlsec1 exc/exc ds') || c.name.startsWith('rsa lienthong'),
    );
    // Every mutation at least once on an ordinary RSA package, then seeded random ones on all.
    const everyMutation = Object.entries(MUTATIONS).flatMap(([name, mutate]) => {
      const xml = mutate((rsa[0] as CorpusCase).xml, () => 0.37);
      return xml === null ? [] : [{ name: `${(rsa[0] as CorpusCase).name} / ${name}`, xml }];
    });
    const cases = [...base, ...everyMutation, ...mutatedCorpus(base, 10, 16)];
    outcomes = [];
    for (const c of cases) outcomes.push(await judge(c));
  }, 120_000);

  it('never accepts what the DOM path refuses, and gives its exact verdict when it accepts', () => {
    const disagreements = outcomes.filter(
      (o) => o.direct !== null && (!o.dom.valid || JSON.stringify(o.direct) !== JSON.stringify(o.dom)),
    );
    expect(disagreements.map((o) => o.c.name)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(400);
    // A good share of the mutated cases keeps a valid signature and is accepted directly.
    expect(outcomes.filter((o) => o.direct !== null && o.c.name.includes(' / ')).length).toBeGreaterThan(40);
  });

  it('is the path every ordinary package takes (SignedInfo under exclusive C14N)', () => {
    // Inclusive C14N of SignedInfo, #WithComments and SHA-1 are outside the narrow profile.
    const ordinary = outcomes.filter(
      (o) =>
        !o.c.name.includes(' / ') && o.dom.valid && !/WithComments|rsa-sha1|xmlsec1 c14n\//.test(o.c.name),
    );
    expect(ordinary.length).toBeGreaterThan(10);
    expect(ordinary.filter((o) => o.direct === null).map((o) => o.c.name)).toEqual([]);
  });

  it('leaves bad signers, hostile markup and other profiles to the DOM path', () => {
    const find = (part: string) => outcomes.filter((o) => o.c.name.includes(part));
    for (const part of [
      'revoked ',
      'expired ',
      'untrusted ',
      '/ a DOCTYPE',
      '/ processing instruction inside a comment',
      '/ a second Signature',
      '/ an Object in the Signature',
      '/ text between SignedInfo',
      '/ a changed DigestValue',
      '/ a changed SignatureValue',
      '/ byte-order mark',
      '/ text as CDATA',
    ]) {
      const cases = find(part);
      expect(cases.length, part).toBeGreaterThan(0);
      for (const o of cases) expect(o.direct, o.c.name).toBeNull();
    }
    // The BOM and CDATA are fine for the DOM path: the verdict is still OK, only slower.
    expect(find('/ byte-order mark').some((o) => o.dom.valid)).toBe(true);
  });

  it('accepts the variants of one signed package that canonicalization makes equal', () => {
    for (const part of [
      'space before the end of a start tag',
      'single quotes for an attribute',
      'character reference for a letter',
      'comment between elements',
      'CRLF line ends',
      'space in an end tag',
      'self-closed element expanded',
    ]) {
      const o = outcomes.find((x) => x.c.name.startsWith('rsa') && x.c.name.endsWith(`/ ${part}`));
      expect(o?.dom.valid, part).toBe(true);
      expect(o?.direct?.valid, part).toBe(true);
    }
  });

  it('agrees with xmlsec1 on every package it accepts (a sample of 30)', () => {
    const accepted = outcomes.filter((o) => o.direct !== null);
    const sample = accepted
      .filter((_, i) => i % Math.max(1, Math.floor(accepted.length / 30)) === 0)
      .slice(0, 30);
    for (const o of sample) {
      expect(xmlsecVerify(o.c.xml, [pki.rootPath], [pki.caPath]).ok, o.c.name).toBe(true);
    }
  });
});
