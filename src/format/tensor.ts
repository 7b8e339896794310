/** Human-readable tensors for `--format table`: numpy-style nested rows, elided when large. */

const MAX_ROW_ITEMS = 12;
const MAX_ROWS = 16;

export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1e-4) return value.toExponential(3);
  const fixed = value.toPrecision(6);
  return fixed.includes('e') ? fixed : String(Number(fixed));
}

function formatRow(values: ArrayLike<number>, offset: number, length: number): string {
  const items: string[] = [];
  for (let index = 0; index < length; index++) {
    if (length > MAX_ROW_ITEMS && index === MAX_ROW_ITEMS / 2) {
      items.push('...');
      index = length - MAX_ROW_ITEMS / 2;
    }
    items.push(formatNumber(values[offset + index]!));
  }
  return `[${items.join(', ')}]`;
}

/** Rows of the innermost axis, each prefixed with its leading indices: "(0, 1, 2, :) [...]". */
export function formatTensor(values: ArrayLike<number>, shape: readonly number[]): string[] {
  const rowLength = shape[shape.length - 1] ?? 1;
  const rowCount = rowLength === 0 ? 0 : values.length / rowLength;
  const lines: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    if (rowCount > MAX_ROWS && row === MAX_ROWS / 2) {
      lines.push(`  ... ${rowCount - MAX_ROWS} more rows ...`);
      row = rowCount - MAX_ROWS / 2;
    }
    lines.push(`  (${leadingIndex(row, shape).join(', ')}, :) ${formatRow(values, row * rowLength, rowLength)}`);
  }
  return lines;
}

function leadingIndex(row: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  let rest = row;
  for (let axis = shape.length - 2; axis >= 0; axis--) {
    index.unshift(rest % shape[axis]!);
    rest = Math.floor(rest / shape[axis]!);
  }
  return index;
}
