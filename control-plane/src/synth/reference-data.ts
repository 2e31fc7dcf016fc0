/**
 * Code lists the synthetic registers draw from. Municipality and region codes are Danmarks
 * Statistik's (regions 81–85); diagnoses are ICD-10 in SKS form (a leading D); ATC codes and DDD
 * values follow the WHO ATC/DDD Index. Weights and prevalences are rough, chosen so cohorts such
 * as "type 2 diabetes" or "antidepressants" have plausible sizes — they describe no real data.
 */

/** [municipality code, region code, relative population] */
export const MUNICIPALITIES: readonly (readonly [number, number, number])[] = [
  [101, 84, 650],
  [147, 84, 105],
  [151, 84, 50],
  [153, 84, 36],
  [155, 84, 15],
  [157, 84, 75],
  [159, 84, 70],
  [161, 84, 23],
  [163, 84, 30],
  [165, 84, 28],
  [167, 84, 55],
  [169, 84, 57],
  [173, 84, 57],
  [175, 84, 40],
  [183, 84, 23],
  [185, 84, 44],
  [187, 84, 17],
  [190, 84, 42],
  [201, 84, 26],
  [210, 84, 41],
  [217, 84, 64],
  [219, 84, 52],
  [223, 84, 25],
  [230, 84, 57],
  [240, 84, 44],
  [250, 84, 46],
  [260, 84, 31],
  [270, 84, 41],
  [400, 84, 39],
  [253, 85, 51],
  [259, 85, 61],
  [265, 85, 90],
  [269, 85, 24],
  [306, 85, 33],
  [316, 85, 73],
  [320, 85, 37],
  [326, 85, 49],
  [329, 85, 35],
  [330, 85, 80],
  [336, 85, 23],
  [340, 85, 30],
  [350, 85, 29],
  [360, 85, 41],
  [370, 85, 84],
  [376, 85, 60],
  [390, 85, 46],
  [410, 83, 39],
  [420, 83, 41],
  [430, 83, 52],
  [440, 83, 24],
  [450, 83, 32],
  [461, 83, 207],
  [479, 83, 59],
  [480, 83, 29],
  [482, 83, 12],
  [492, 83, 6],
  [510, 83, 56],
  [530, 83, 27],
  [540, 83, 74],
  [550, 83, 37],
  [561, 83, 116],
  [563, 83, 3],
  [573, 83, 50],
  [575, 83, 43],
  [580, 83, 59],
  [607, 83, 52],
  [621, 83, 95],
  [630, 83, 120],
  [615, 82, 98],
  [657, 82, 90],
  [661, 82, 59],
  [665, 82, 20],
  [671, 82, 21],
  [706, 82, 43],
  [707, 82, 37],
  [710, 82, 52],
  [727, 82, 23],
  [730, 82, 99],
  [740, 82, 97],
  [741, 82, 4],
  [746, 82, 64],
  [751, 82, 365],
  [756, 82, 42],
  [760, 82, 56],
  [766, 82, 47],
  [779, 82, 46],
  [791, 82, 98],
  [773, 81, 20],
  [787, 81, 43],
  [810, 81, 36],
  [813, 81, 59],
  [820, 81, 36],
  [825, 81, 2],
  [840, 81, 30],
  [846, 81, 42],
  [849, 81, 38],
  [851, 81, 221],
  [860, 81, 64],
];

/** Country of origin codes (Danmarks Statistik style) with a relative share; 5100 is Denmark. */
export const ORIGINS: readonly (readonly [number, number])[] = [
  [5100, 860],
  [5120, 8],
  [5110, 6],
  [5180, 12],
  [5150, 10],
  [5122, 9],
  [5474, 14],
  [5472, 9],
  [5466, 7],
  [5502, 8],
  [5436, 7],
  [5607, 6],
  [5130, 5],
  [5390, 6],
  [5484, 4],
];

export const DENMARK = 5100;

export interface Drug {
  atc: string;
  name: string;
  /** WHO defined daily dose and its unit (MG, or TD for tablets/doses). */
  ddd: number;
  dddUnit: 'MG' | 'TD';
  /** Product variants: strength per unit (MG) and units per package. */
  strengths: readonly number[];
  packs: readonly number[];
}

const drug = (
  atc: string,
  name: string,
  ddd: number,
  strengths: number[],
  packs: number[],
  dddUnit: 'MG' | 'TD' = 'MG',
): Drug => ({ atc, name, ddd, dddUnit, strengths, packs });

export const DRUGS = {
  paracetamol: drug('N02BE01', 'Paracetamol', 3000, [500, 1000], [20, 100]),
  tramadol: drug('N02AX02', 'Tramadol', 300, [50], [20, 100]),
  morphine: drug('N02AA01', 'Morfin', 100, [10, 30], [30, 100]),
  oxycodone: drug('N02AA05', 'Oxycodon', 75, [5, 10], [28, 98]),
  sumatriptan: drug('N02CC01', 'Sumatriptan', 50, [50], [6, 12]),
  ibuprofen: drug('M01AE01', 'Ibuprofen', 1200, [400], [30, 100]),
  quetiapine: drug('N05AH04', 'Quetiapin', 400, [25, 100], [100]),
  olanzapine: drug('N05AH03', 'Olanzapin', 10, [5, 10], [28, 98]),
  risperidone: drug('N05AX08', 'Risperidon', 5, [1, 2], [60]),
  diazepam: drug('N05BA01', 'Diazepam', 10, [5], [25, 100]),
  oxazepam: drug('N05BA04', 'Oxazepam', 50, [15], [20, 100]),
  zopiclone: drug('N05CF01', 'Zopiclon', 7.5, [7.5], [30]),
  melatonin: drug('N05CH01', 'Melatonin', 2, [2], [30]),
  citalopram: drug('N06AB04', 'Citalopram', 20, [20], [30, 100]),
  escitalopram: drug('N06AB10', 'Escitalopram', 10, [10], [28, 98]),
  sertraline: drug('N06AB06', 'Sertralin', 50, [50, 100], [30, 98]),
  mirtazapine: drug('N06AX11', 'Mirtazapin', 30, [15, 30], [30, 100]),
  venlafaxine: drug('N06AX16', 'Venlafaxin', 100, [75], [28, 98]),
  methylphenidate: drug('N06BA04', 'Methylphenidat', 30, [18, 36], [30]),
  donepezil: drug('N06DA02', 'Donepezil', 7.5, [5, 10], [28, 98]),
  metformin: drug('A10BA02', 'Metformin', 2000, [500, 850], [100]),
  simvastatin: drug('C10AA01', 'Simvastatin', 30, [20, 40], [100]),
  atorvastatin: drug('C10AA05', 'Atorvastatin', 20, [20, 40], [30, 100]),
  ramipril: drug('C09AA05', 'Ramipril', 2.5, [5, 10], [100]),
  losartan: drug('C09CA01', 'Losartan', 50, [50], [98]),
  amlodipine: drug('C08CA01', 'Amlodipin', 5, [5, 10], [100]),
  metoprolol: drug('C07AB02', 'Metoprolol', 150, [50, 100], [100]),
  aspirin: drug('B01AC06', 'Acetylsalicylsyre', 1, [75], [100], 'TD'),
  salbutamol: drug('R03AC02', 'Salbutamol', 0.8, [0.1], [200]),
  levothyroxine: drug('H03AA01', 'Levothyroxin', 0.15, [0.05, 0.1], [100]),
  omeprazole: drug('A02BC01', 'Omeprazol', 20, [20], [28, 100]),
  amoxicillin: drug('J01CA04', 'Amoxicillin', 1500, [500], [20]),
} as const;

export interface Condition {
  name: string;
  /** Prevalence at ages 0–17, 18–44, 45–64 and 65+. */
  prevalence: readonly [number, number, number, number];
  diagnoses: readonly string[];
  drugs: readonly Drug[];
}

export const CONDITIONS: readonly Condition[] = [
  {
    name: 'type 2 diabetes',
    prevalence: [0.001, 0.02, 0.08, 0.15],
    diagnoses: ['DE119', 'DE118', 'DE113'],
    drugs: [DRUGS.metformin, DRUGS.atorvastatin],
  },
  {
    name: 'hypertension',
    prevalence: [0.002, 0.05, 0.2, 0.4],
    diagnoses: ['DI109'],
    drugs: [DRUGS.ramipril, DRUGS.losartan, DRUGS.amlodipine, DRUGS.metoprolol],
  },
  {
    name: 'ischaemic heart disease',
    prevalence: [0, 0.005, 0.04, 0.12],
    diagnoses: ['DI219', 'DI209', 'DI251'],
    drugs: [DRUGS.aspirin, DRUGS.simvastatin, DRUGS.metoprolol],
  },
  {
    name: 'depression',
    prevalence: [0.01, 0.07, 0.07, 0.06],
    diagnoses: ['DF321', 'DF322', 'DF331'],
    drugs: [DRUGS.sertraline, DRUGS.escitalopram, DRUGS.citalopram, DRUGS.mirtazapine, DRUGS.venlafaxine],
  },
  {
    name: 'anxiety',
    prevalence: [0.01, 0.05, 0.04, 0.03],
    diagnoses: ['DF411', 'DF419'],
    drugs: [DRUGS.escitalopram, DRUGS.oxazepam, DRUGS.diazepam],
  },
  {
    name: 'psychosis',
    prevalence: [0.001, 0.008, 0.008, 0.006],
    diagnoses: ['DF209', 'DF259'],
    drugs: [DRUGS.olanzapine, DRUGS.quetiapine, DRUGS.risperidone],
  },
  {
    name: 'sleep disorder',
    prevalence: [0.01, 0.03, 0.05, 0.08],
    diagnoses: ['DG470', 'DF510'],
    drugs: [DRUGS.zopiclone, DRUGS.melatonin],
  },
  {
    name: 'ADHD',
    prevalence: [0.04, 0.02, 0.005, 0.001],
    diagnoses: ['DF900'],
    drugs: [DRUGS.methylphenidate, DRUGS.melatonin],
  },
  {
    name: 'chronic pain',
    prevalence: [0.005, 0.05, 0.1, 0.15],
    diagnoses: ['DM545', 'DM179', 'DG439'],
    drugs: [
      DRUGS.paracetamol,
      DRUGS.tramadol,
      DRUGS.oxycodone,
      DRUGS.morphine,
      DRUGS.ibuprofen,
      DRUGS.sumatriptan,
    ],
  },
  {
    name: 'asthma or COPD',
    prevalence: [0.06, 0.05, 0.07, 0.1],
    diagnoses: ['DJ459', 'DJ449'],
    drugs: [DRUGS.salbutamol],
  },
  {
    name: 'hypothyroidism',
    prevalence: [0.002, 0.02, 0.04, 0.06],
    diagnoses: ['DE039'],
    drugs: [DRUGS.levothyroxine],
  },
  {
    name: 'dementia',
    prevalence: [0, 0, 0.003, 0.04],
    diagnoses: ['DF009', 'DG309'],
    drugs: [DRUGS.donepezil, DRUGS.quetiapine],
  },
];

/** Drugs anyone may redeem now and then, and reasons for a contact unrelated to a condition. */
export const OCCASIONAL_DRUGS: readonly Drug[] = [
  DRUGS.paracetamol,
  DRUGS.ibuprofen,
  DRUGS.amoxicillin,
  DRUGS.omeprazole,
];
export const ACUTE_DIAGNOSES: readonly string[] = [
  'DJ189',
  'DN390',
  'DK359',
  'DR074',
  'DS720',
  'DS525',
  'DJ069',
  'DZ000',
  'DR104',
  'DS060',
  'DT784',
  'DK802',
];
export const BIRTH_DIAGNOSIS = 'DO800';
