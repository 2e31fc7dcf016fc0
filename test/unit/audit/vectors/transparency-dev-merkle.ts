/**
 * Test vectors of the transparency-dev `merkle` project (github.com/transparency-dev/merkle),
 * written in as data:
 * - leaves, roots, inclusion and consistency proofs: cmd/proofgen/main.go and proof/verify_test.go
 *   (the RFC 6962 reference leaves; roots of sizes 1..8, the root of size 0 is SHA-256(""));
 * - the probes of testdata/inclusion and testdata/consistency, generated upstream by proofgen from
 *   the proofs below with the corruption rules in `merkle.test.ts` (same names as the files);
 * - verbatim copies of some published testdata files, including the static "additional" and
 *   "single-entry" probes, to pin the generated ones to the published bytes.
 * Upstream hashes are hex in Go and base64 in JSON; both are kept as published.
 */
export const sha256SomeHash = 'abacaba000000000000000000000000000000000000000000060061e00123456';
export const sha256EmptyTreeHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** proof/verify_test.go `leaves` (hex). */
export const leaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];

/** `roots`: MTH of the first 1..8 leaves (hex). */
export const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** `inclusionProofs`: leafIdx is 1-based upstream; testdata/inclusion/<i> is built from entry i. */
export const inclusionProofs: { leafIdx: number; size: number; proof: string[] }[] = [
  { leafIdx: 1, size: 1, proof: [] },
  {
    leafIdx: 1,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leafIdx: 6,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leafIdx: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leafIdx: 2,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

/** `consistencyProofs`; testdata/consistency/<i> is built from entry i. */
export const consistencyProofs: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** A probe as published in testdata JSON (hashes base64; Go's nil proof is null). */
export interface InclusionProbe {
  leafIdx: number | bigint;
  treeSize: number | bigint;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

export interface ConsistencyProbe {
  size1: number | bigint;
  size2: number | bigint;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

/** Verbatim testdata/inclusion files (path: content). */
export const publishedInclusionProbes: Record<string, InclusionProbe> = {
  // uint64 wrap-around of leafIdx 0 - 1: the JSON number exceeds 2^53.
  'testdata/inclusion/0/leafIdx-sub-@1.json': {
    leafIdx: 18446744073709551615n,
    treeSize: 1,
    root: 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=',
    leafHash: 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=',
    proof: null,
    desc: 'leafIdx sub @1',
    wantErr: true,
  },
  'testdata/inclusion/1/inserted-component.json': {
    leafIdx: 0,
    treeSize: 8,
    root: 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=',
    leafHash: 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=',
    proof: [
      'lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=',
      'q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY=',
      'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=',
      'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=',
    ],
    desc: 'inserted component',
    wantErr: true,
  },
};

/** Verbatim testdata/consistency files. */
export const publishedConsistencyProbes: Record<string, ConsistencyProbe> = {
  'testdata/consistency/1/happy-path.json': {
    size1: 1,
    size2: 8,
    root1: 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=',
    root2: 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=',
    proof: [
      'lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=',
      'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=',
      'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=',
    ],
    desc: 'happy path',
    wantErr: false,
  },
  'testdata/consistency/1/modified-proof@0-bit-@4.json': {
    size1: 1,
    size2: 8,
    root1: 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=',
    root2: 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=',
    proof: [
      'hqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=',
      'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=',
      'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=',
    ],
    desc: 'modified proof@0 bit @4',
    wantErr: true,
  },
  'testdata/consistency/4/size1-XOR-@2.json': {
    size1: 4,
    size2: 7,
    root1: 'duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=',
    root2: '3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw=',
    proof: [
      'DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=',
      'sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=',
      '037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=',
    ],
    desc: 'size1 XOR @2',
    wantErr: true,
  },
};

const dontCare1 = 'ZG9uJ3QgY2FyZSAx'; // "don't care 1"
const dontCare2 = 'ZG9uJ3QgY2FyZSAy'; // "don't care 2"
const emptyTree = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/**
 * testdata/consistency/additional: static probes. Published wantErr values are kept even where
 * one proofgen revision disagreed (equal zero sizes with equal roots verify, as in proof/verify.go).
 */
export const additionalConsistencyProbes: ConsistencyProbe[] = [
  {
    size1: 0,
    size2: 0,
    root1: dontCare1,
    root2: dontCare2,
    proof: [],
    desc: 'sizes are equal (zero) but roots are not',
    wantErr: true,
  },
  {
    size1: 1,
    size2: 1,
    root1: dontCare1,
    root2: dontCare2,
    proof: [],
    desc: 'sizes are equal (one) but roots are not',
    wantErr: true,
  },
  {
    size1: 0,
    size2: 0,
    root1: dontCare1,
    root2: dontCare1,
    proof: [],
    desc: 'sizes are equal (zero) and proof is empty',
    wantErr: false,
  },
  {
    size1: 0,
    size2: 1,
    root1: dontCare1,
    root2: dontCare2,
    proof: [],
    desc: 'size1 is zero and does not equal size2',
    wantErr: true,
  },
  {
    size1: 1,
    size2: 1,
    root1: dontCare2,
    root2: dontCare2,
    proof: [],
    desc: 'sizes are equal (one) and proof is empty',
    wantErr: false,
  },
  {
    size1: 1,
    size2: 0,
    root1: dontCare1,
    root2: dontCare2,
    proof: [],
    desc: 'size1 is greater than size2',
    wantErr: true,
  },
  {
    size1: 2,
    size2: 1,
    root1: dontCare1,
    root2: dontCare2,
    proof: [],
    desc: 'size1 is greater than size2 again',
    wantErr: true,
  },
  {
    size1: 1,
    size2: 2,
    root1: dontCare1,
    root2: dontCare2,
    proof: [],
    desc: 'sizes do not watch and proof is empty',
    wantErr: true,
  },
  {
    size1: 0,
    size2: 0,
    root1: emptyTree,
    root2: dontCare2,
    proof: [],
    desc: 'roots do not match and sizes are zero',
    wantErr: true,
  },
  {
    size1: 1,
    size2: 1,
    root1: emptyTree,
    root2: dontCare2,
    proof: [],
    desc: 'roots do not not match and sizes are one',
    wantErr: true,
  },
  {
    size1: 0,
    size2: 0,
    root1: emptyTree,
    root2: emptyTree,
    proof: [emptyTree],
    desc: 'sizes match but proof is not empty and sizes are zero',
    wantErr: true,
  },
  {
    size1: 1,
    size2: 1,
    root1: emptyTree,
    root2: emptyTree,
    proof: [emptyTree],
    desc: 'sizes match but proof is not empty and sizes are one',
    wantErr: true,
  },
  {
    size1: 0,
    size2: 1,
    root1: emptyTree,
    root2: dontCare2,
    proof: [],
    desc: 'size1 is zero and size2 is not zero',
    wantErr: true,
  },
  {
    size1: 0,
    size2: 1,
    root1: emptyTree,
    root2: emptyTree,
    proof: [emptyTree],
    desc: 'consistency check on empty tree (size1 is zero) is useless',
    wantErr: true,
  },
];
