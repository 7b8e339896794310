/** Case names from layer names: `[A-Za-z0-9._-]+`, unique within the file. */

/** `/up_block/up2/ConvTranspose` -> `up_block.up2.ConvTranspose`: path separators become dots. */
export function sanitiseName(name: string): string {
  const cleaned = name
    .replace(/[/:]+/g, '.')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '');
  return cleaned === '' ? 'layer' : cleaned;
}

/** Sanitised names, with `-2`, `-3`, ... added to repeats so every case name is unique. */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = sanitiseName(name);
    let candidate = base;
    for (let suffix = 2; used.has(candidate); suffix++) candidate = `${base}-${suffix}`;
    used.add(candidate);
    return candidate;
  });
}

/**
 * The part of a layer name that usually survives export, for pairing layers across formats:
 * `/up1/ConvTranspose` (torch.onnx) -> `up1`; `up_block/up2` (Keras nesting) -> `up2`.
 */
export function shortName(name: string, op: string): string {
  const parts = name.split('/').filter((part) => part !== '' && part !== op);
  return parts[parts.length - 1] ?? name;
}
