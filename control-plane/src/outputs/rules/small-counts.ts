/**
 * Minimum person count per cell, per profile: counts from 1 up to one below the threshold are
 * blocked (a cell exactly at it passes), zeros as the profile says, counts that must be rounded are
 * multiples of the base, and a count column that is mostly ones is a list of persons.
 */
import { columnNumbers } from '../columns.js';
import type { CellRef, Finding } from '../model.js';
import { isMissing, isSuppressed } from '../values.js';
import { findingFor, plural, type TableRule, where } from './rule.js';

/** Share of ones from which a count column reads as one row per person. */
const ONES_SHARE = 0.9;

export const smallCounts: TableRule = ({ table, roles, profile }) => {
  const { threshold, zeros, rounding, missing } = profile.counts;
  const small: CellRef[] = [];
  const zero: CellRef[] = [];
  const unrounded: CellRef[] = [];
  const negative: CellRef[] = [];
  const fractional: CellRef[] = [];
  const unreadable: CellRef[] = [];
  const empty: CellRef[] = [];
  let ones = 0;
  let shown = 0;
  for (const c of roles.counts) {
    const numbers = columnNumbers(table, c);
    for (let r = 0; r < numbers.length; r++) {
      const n = numbers[r] as number;
      if (Number.isNaN(n)) {
        const raw = table.rows[r]?.[c] as string;
        if (isMissing(raw)) empty.push(table.ref(r, c));
        else if (!isSuppressed(raw)) unreadable.push(table.ref(r, c));
        continue;
      }
      shown++;
      if (n === 1) ones++;
      if (n < 0) negative.push(table.ref(r, c));
      else if (!Number.isInteger(n)) fractional.push(table.ref(r, c));
      else if (n === 0) zero.push(table.ref(r, c));
      else if (n < threshold) small.push(table.ref(r, c));
      else if (rounding !== null && n % rounding !== 0) unrounded.push(table.ref(r, c));
    }
  }
  const at = where(table);
  const findings: Finding[] = [
    ...findingFor(
      'small-counts',
      'block',
      small,
      `${plural(small.length, 'cell')}${at} with fewer than ${threshold} persons (${profile.name}): a group that small can be recognised`,
    ),
    ...findingFor(
      'negative-counts',
      'block',
      negative,
      `${plural(negative.length, 'count')}${at} below zero: a count of persons cannot be negative, and a difference of counts can reveal a small group`,
    ),
    ...findingFor(
      'count-values',
      'review',
      [...fractional, ...unreadable],
      `${plural(fractional.length + unreadable.length, 'cell')}${at} in a person-count column that are not whole numbers: a person must check what they count`,
    ),
  ];
  if (zeros !== 'allow') {
    findings.push(
      ...findingFor(
        'zeros',
        zeros,
        zero,
        `${plural(zero.length, 'cell')}${at} with zero persons; ${profile.name} treats zeros as disclosive (they can tell that nobody in a group has a condition)`,
      ),
    );
  }
  if (rounding !== null) {
    findings.push(
      ...findingFor(
        'rounding',
        'block',
        unrounded,
        `${plural(unrounded.length, 'count')}${at} not multiples of ${rounding} (${profile.name} releases rounded counts only; \`klarsyn outputs protect\` rounds them)`,
      ),
    );
  }
  if (missing === 'review') {
    findings.push(
      ...findingFor(
        'missing-values',
        'review',
        empty,
        `${plural(empty.length, 'count')}${at} missing: a person must check why`,
      ),
    );
  }
  if (shown >= 2 && ones >= ONES_SHARE * shown) {
    const column = roles.counts[0] as number;
    findings.push({
      rule: 'individual-rows',
      severity: 'block',
      message: `${ones} of ${shown} counts${at} are 1: one row per person is individual-level data, not a table`,
      cells: [table.ref(-1, column)],
    });
  }
  return findings;
};
