// RFC 3161 timestamps of the evidence log's heads: the request the hub sends to a timestamping
// authority (LIENTHONG_TSA_URL), the check of its answer, and the offline check of a token in a
// bundle. The ASN.1 and CMS work is pkijs's; the signature checks run on Node's WebCrypto.
import { createHash, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { request } from 'undici';
import { LienthongError } from '../core/index.ts';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';
let engineReady = false;

function ensureEngine(): void {
  if (engineReady) return;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));
  engineReady = true;
}

/** SHA-256 of what is timestamped (the head payload). */
function timestampDigest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** A TimeStampReq (DER) for a SHA-256 digest, asking for the TSA's certificate, with a nonce. */
function timestampRequest(digest: Uint8Array, nonce: Uint8Array): Buffer {
  ensureEngine();
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest).buffer }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce).buffer }),
    certReq: true,
  });
  return Buffer.from(req.toSchema().toBER(false));
}

/** What a token says once checked. */
export interface TimestampCheck {
  readonly genTime: Date;
  /** The TSA certificate that signed the token, PEM. */
  readonly tsaCertificate: string;
}

function toPem(cert: pkijs.Certificate): string {
  return new X509Certificate(Buffer.from(cert.toSchema(true).toBER(false))).toString();
}

/**
 * Checks a timestamp token (a CMS ContentInfo, DER) offline: it holds a TSTInfo over exactly the
 * SHA-256 of `data` (and this nonce, when given), signed by the certificate it carries. Returns the
 * time and the signer, or why it does not check. Whether that signer is trusted is the caller's.
 */
export async function checkTimestampToken(
  token: Uint8Array,
  data: Uint8Array,
  nonce?: Uint8Array,
): Promise<TimestampCheck | { readonly problem: string }> {
  ensureEngine();
  const digest = timestampDigest(data);
  try {
    const asn = asn1js.fromBER(new Uint8Array(token));
    if (asn.offset === -1) return { problem: 'the timestamp token is not DER' };
    const content = new pkijs.ContentInfo({ schema: asn.result });
    if (content.contentType !== pkijs.ContentInfo.SIGNED_DATA)
      return { problem: 'the timestamp token is not CMS SignedData' };
    const signed = new pkijs.SignedData({ schema: content.content });
    if (signed.encapContentInfo.eContentType !== TST_INFO_OID || !signed.encapContentInfo.eContent)
      return { problem: 'the timestamp token does not hold a TSTInfo' };
    const tstAsn = asn1js.fromBER(signed.encapContentInfo.eContent.getValue());
    const tst = new pkijs.TSTInfo({ schema: tstAsn.result });
    if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID)
      return { problem: 'the timestamp is not over a SHA-256 digest' };
    if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(Buffer.from(digest)))
      return { problem: 'the timestamp is over another digest than this head' };
    if (nonce && (!tst.nonce || !Buffer.from(tst.nonce.valueBlock.valueHexView).equals(Buffer.from(nonce))))
      return { problem: 'the timestamp answers another request (nonce)' };
    const verified = await signed.verify({
      signer: 0,
      checkChain: false,
      extendedMode: true,
      data: new Uint8Array(data).buffer,
    });
    if (verified.signatureVerified !== true || !verified.signerCertificate)
      return { problem: 'the timestamp signature does not verify with the certificate it carries' };
    const tsaCertificate = toPem(verified.signerCertificate);
    // RFC 3161 §2.3: the TSA's certificate has the timeStamping extended key usage, critical.
    const eku = new X509Certificate(tsaCertificate).keyUsage ?? [];
    if (!eku.includes('1.3.6.1.5.5.7.3.8'))
      return { problem: 'the timestamp signer is not a timestamping authority (no timeStamping key usage)' };
    return { genTime: tst.genTime, tsaCertificate };
  } catch (error) {
    return { problem: `the timestamp token cannot be read (${(error as Error).message})` };
  }
}

/**
 * Asks the timestamping authority at `url` for a token over SHA-256 of `data` (RFC 3161 over HTTP,
 * application/timestamp-query) and checks the answer before keeping it.
 */
export async function requestTimestamp(url: string, data: Uint8Array, timeoutMs = 10_000): Promise<Buffer> {
  ensureEngine();
  const digest = timestampDigest(data);
  const nonce = randomBytes(16);
  nonce[0]! &= 0x7f; // a positive INTEGER
  const failed = (message: string, cause?: unknown) =>
    new LienthongError('EVIDENCE_TSA_FAILED', `The timestamping authority at ${url} ${message}`, {
      where: 'evidence timestamp',
      ...(cause === undefined ? {} : { cause }),
    });
  let body: Buffer;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: timestampRequest(digest, nonce),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    body = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200) throw failed(`answered HTTP ${res.statusCode}`);
  } catch (error) {
    if (error instanceof LienthongError) throw error;
    throw failed(`cannot be reached (${(error as Error).message})`, error);
  }
  const asn = asn1js.fromBER(new Uint8Array(body));
  if (asn.offset === -1) throw failed('answered something that is not DER');
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: asn.result });
  } catch (error) {
    throw failed('answered something that is not a TimeStampResp', error);
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken)
    throw failed(`refused the request (PKIStatus ${status})`);
  const token = Buffer.from(resp.timeStampToken.toSchema().toBER(false));
  const check = await checkTimestampToken(token, data, nonce);
  if ('problem' in check) throw failed(`answered a token that does not check: ${check.problem}`);
  return token;
}
