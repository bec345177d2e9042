import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectEdxml, summarize } from '../../src/edxml/index.ts';
import { readSdk, sdkDir } from './sdk-fixtures.ts';

interface Expected {
  kind: 'package' | 'status';
  documentId: string;
  from: string;
  to: string[];
  businessType: number | null;
  priority: number;
  statusCode: string | null;
  /** contentId, decoded size, sha256 (computed independently with Python's base64 + hashlib). */
  attachments: Array<[string, number, string]>;
}

const VPCP_DOC = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';
const THREE = ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'];
const pkg = (
  documentId: string,
  from: string,
  to: string[],
  businessType: number,
  attachments: Expected['attachments'],
  priority = 0,
): Expected => ({
  kind: 'package',
  documentId,
  from,
  to,
  businessType,
  priority,
  statusCode: null,
  attachments,
});
const status = (code: string, from = '000.00.00.H41', to = '000.00.00.G22'): Expected => ({
  kind: 'status',
  documentId: VPCP_DOC,
  from,
  to: [to],
  businessType: null,
  priority: 0,
  statusCode: code,
  attachments: [],
});
const zip209 = (sha: string): Expected['attachments'] => [['cid:209', 270823, sha]];

const EXPECTED: Record<string, Expected> = {
  'edoc.edxml': pkg('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb', '002.00.20.H13', ['000.00.15.H51'], 0, [
    // The body is a JMeter placeholder, not base64: no size, no hash (validation says so).
    ['cid:36b8a92e-f054-11e7-842b-005056b672fc', 0, ''],
  ]),
  'edoc_new.edxml': pkg(
    VPCP_DOC,
    '002.00.20.H13',
    ['28.22.H17'],
    0,
    zip209('7ab7c43a02a3cf2cedd14ebf2545a37e7a1307e0091b4ba94c2ef1e842a763aa'),
  ),
  'edoc_revocation.edxml': pkg(
    VPCP_DOC,
    '000.00.00.G22',
    THREE,
    1,
    zip209('22100d39101238b750bc39a24ff6994cb2c0cf08f4edbf5f3c34d4700857d378'),
  ),
  'edoc_update.edxml': pkg(
    VPCP_DOC,
    '000.00.00.G22',
    THREE,
    2,
    zip209('51653b9613f7f0275b43f80704033299740c702f354f44a06f55770cfbb0b135'),
  ),
  'edoc_replacement.edxml': pkg(
    VPCP_DOC,
    '000.00.00.G22',
    THREE,
    3,
    zip209('57634d6539d79c5935c12fabd7d8fa513d81d84a5fad4c82258a31ffa741aba5'),
  ),
  'gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml': pkg(
    '1da394ba-2117-4354-a23f-6ec3e47ba81b',
    'vxp.saas.03',
    ['vxp.saas.02'],
    0,
    [
      [
        'cid:b33d76bb-b6a0-48e0-ab54-38cf39e19ffa',
        207,
        'c5ab4735a6326ec9e36212dbf43044827949794972a2ae301854ef98541f501f',
      ],
      [
        'cid:68b50244-4b2b-4bd1-b186-e6b14315c7e2',
        207,
        '056fcb209dc6c710cf1f43ad3905d26875c4eee29b1f5905a4208a5f70244d22',
      ],
      [
        'cid:1f0f0526-f922-40c6-bbb6-7d92cf22a7ba',
        207,
        'd823ec99a6b3bdfef01f6dfe387d1d30aed73509bc607e407e2395b09d4311a4',
      ],
    ],
  ),
  'gateway-upload-1f881896-6e3a-4a5f-87f1-c380878e148e.edxml': pkg(
    '1f881896-6e3a-4a5f-87f1-c380878e148e',
    'vxp.saas.03',
    ['vxp.saas.02'],
    0,
    [
      [
        'cid:c8cea144-b212-4fe3-b5eb-4bfdd10edaa7',
        207,
        '5999c539a65ae4c10519353d76ffa131af0012582b52e0e8e10c81ed8b5e7cb3',
      ],
      [
        'cid:4813d8f4-e4db-4adc-b95f-722350fc7658',
        207,
        'cde9137c19e2e861c01bae88234c1ff787ecc225f056854bf393ca6de39c6eb4',
      ],
      [
        'cid:1c6820bf-e527-48e0-822a-6144e751d8c5',
        207,
        'bf00b66ab6c8ea1344634bc2eba1da763564f0e7705ba575b7fa48809008e6a0',
      ],
    ],
  ),
  'gateway-upload-b6e1f29d-cdc9-4fa7-8391-442e8566f14e.edxml': pkg(
    'b6e1f29d-cdc9-4fa7-8391-442e8566f14e',
    'vxp.saas.03',
    ['vxp.saas.03'],
    0,
    [
      [
        'cid:d689931d-546d-423a-9ff5-6f0eca746fa0',
        202,
        '913ada97a0316f1fdc40834881ec06a329ed279264fc34116f20415efb7614d7',
      ],
      [
        'cid:bc58eedd-2f04-4ccc-b58a-3534b142f45c',
        202,
        'a3c312f148c1736f7ba183e305eb8eee2aa4815c1081cf38127f8cda41f0ebf6',
      ],
    ],
  ),
  'gateway-upload-bb5d2f68-bbce-49da-aa9a-2197cabec3bf.edxml': pkg(
    'bb5d2f68-bbce-49da-aa9a-2197cabec3bf',
    'vxp.saas.03',
    ['vxp.saas.02'],
    0,
    [
      [
        'cid:6dd149f1-2f69-4983-bbf0-433d67bc6fe6',
        207,
        '16004ef9cbcd3995d87b5c952756144f0b3093861fc27d207ff87a84e1c6d29e',
      ],
      [
        'cid:af3b41c0-fcd6-4e1b-843f-d1c7713e529d',
        207,
        'fdee0c13323a6e21c2edb9b7eb8f7d4d6de75e7bd07bf20427f341dedd6c099b',
      ],
      [
        'cid:88b9e350-74cb-4a2d-82e7-9eb5febae23c',
        207,
        '1b95394be8918cf0334b70195875c1647938fb0a83820d32ca233088ed15811b',
      ],
    ],
  ),
  'gateway-upload-bdb98a62-a2be-4c25-9075-8dcdbcdb1402.edxml': pkg(
    'bdb98a62-a2be-4c25-9075-8dcdbcdb1402',
    'vxp.saas.03',
    ['vxp.saas.02'],
    0,
    [
      [
        'cid:2bc6ac0d-58b4-4f1d-a7fb-e3c6877460ec',
        207,
        'f8dd17315803b26812291bad23299c367430a0223d64b068fe6eab3795636a3c',
      ],
      [
        'cid:90a7d423-8033-4679-9178-19b8e5a6dec7',
        207,
        '6ddf8ab7180eac02e8387994da5e3042d740e436c014e7a4e6c06716f59c198d',
      ],
      [
        'cid:07062ceb-ffe2-450c-989b-2cc0731901ab',
        207,
        '91577c20dfd37b435d23b41aa5c3ae99472df5aa366a83e6f285f6f206f50ad3',
      ],
    ],
  ),
  'received-852e179c-8eca-4502-ac38-0b97321f29c3.edxml': pkg(
    '9fbfbad2-f1f8-4256-a2eb-50fb1061cddb',
    '000.00.15.H51',
    ['000.00.15.H51'],
    0,
    [
      [
        'cid:36b8a92e-f054-11e7-842b-005056b672fc',
        214,
        'acd14b4a499d015745bccb707d3c55b42c4b8ad68185fe26afb1c55e675e7d04',
      ],
    ],
  ),
  'received-874e0f18-90dc-45fb-989a-65401470ba84.edxml': pkg(
    '5e515fca-3627-4f2e-b517-7169acdc8bda',
    'vxp.saas.03',
    ['vxp.saas.03'],
    0,
    [
      [
        'cid:56fb5bcb-8229-4691-8b4f-51305171b954',
        10689,
        '2c8398725f8b5e0aa790ae0fee692b63389a5a7a3826c72df87afea8e86cc6fb',
      ],
    ],
  ),
  'received-9e272474-0603-48a2-b525-9cd1af689612.edxml': pkg(
    'efa170d6-eca4-47e1-aef7-a6dafce24e9e',
    'vxp.saas.03',
    ['vxp.saas.03'],
    0,
    [
      [
        'cid:a2e27520-f053-46f9-93ac-4b0d2f956d1b',
        18839,
        '11b38263f0a6af3dc85a25ab94a6f798234bc7a430a44b2249a2251a82205e3a',
      ],
    ],
    1,
  ),
  'status.edxml': status('01'),
  'status_inbox_01.edxml': status('01'),
  'status_rejection_02.edxml': status('02'),
  'status_acceptance_03.edxml': status('03'),
  'status_assignment_04.edxml': status('04'),
  'status_processing_05.edxml': status('05'),
  'status_finish_06.edxml': status('06'),
  'status_cancellation_13.edxml': status('13', '000.00.00.G22', '000.00.00.H41'),
  'status_change-acceptance_15.edxml': status('15'),
  'status_change-rejection_16.edxml': status('16'),
};

function read(name: string) {
  const result = inspectEdxml(readSdk(name));
  if (!result.message) throw new Error(`${name}: ${JSON.stringify(result.findings)}`);
  return result.message;
}

describe('the national axis SDK samples', () => {
  it('covers every file of the fixture folder', () => {
    const files = readdirSync(sdkDir)
      .filter((f) => f.endsWith('.edxml'))
      .sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`reads ${name}`, () => {
      const s = summarize(read(name));
      expect({
        kind: s.kind,
        documentId: s.documentId,
        from: s.fromOrganId,
        to: s.toOrganIds,
        businessType: s.businessType,
        priority: s.priority,
        statusCode: s.statusCode,
        attachments: s.attachments.map((a) => [a.contentId, a.size, a.sha256]),
      }).toEqual(want);
    });
  }
});
