/** What the generated cases covered, per dimension (fast-check `statistics` style). */
import { conventionOf, type FuzzCase } from '../arbitraries.js';

export const STATISTIC_NAMES = [
  'convention',
  'rank',
  'stride',
  'padding',
  'dilation',
  'group',
  'layout',
  'bias',
  'distribution',
] as const;
export type StatisticName = (typeof STATISTIC_NAMES)[number];
/** Counts of what was generated, per dimension. */
export type FuzzStatistics = Readonly<Record<StatisticName, Readonly<Record<string, number>>>>;

/** The value of each statistic for one case. */
export function statisticsOf(fuzzCase: FuzzCase): Record<StatisticName, string> {
  const spec = fuzzCase.spec;
  const rank = spec.kernel.length;
  const list = (value: number | readonly number[] | undefined): number[] =>
    value === undefined ? [1] : typeof value === 'number' ? [value] : [...value];
  const strides = list(spec.strides);
  const dilations = list(spec.dilations);
  return {
    convention: conventionOf(spec),
    rank: `${rank}-D`,
    stride: `max stride ${Math.max(...strides)}`,
    padding: fuzzCase.paddingKind,
    dilation: Math.max(...dilations) > 1 ? 'dilated' : 'dilation 1',
    group: (spec.group ?? 1) > 1 ? 'grouped' : 'group 1',
    layout: spec.layout && /^N[DHW]*C$/.test(spec.layout) ? 'channels-last' : 'channels-first',
    bias: spec.bias ? 'bias' : 'no bias',
    distribution: spec.distribution ?? 'uniform',
  };
}

/** Zero counts for every statistic. */
export function emptyStatistics(): Record<StatisticName, Record<string, number>> {
  return Object.fromEntries(STATISTIC_NAMES.map((name) => [name, {} as Record<string, number>])) as Record<
    StatisticName,
    Record<string, number>
  >;
}
