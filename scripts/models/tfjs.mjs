#!/usr/bin/env node
// Writes examples/models/dcgan-generator-tfjs/ (model.json + one weight shard): the DCGAN
// generator of generate.py as a TF.js layers model, saved by tfjs-node itself (the tensorflowjs
// pip converter is not available offline, and tfjs's own writer is the format's reference).
// Same layer names and geometry as dcgan-generator.keras, so `tconv import --compare` can pair
// them; its weights are tfjs's seeded initialisers, not Keras's.
//
//   node scripts/models/tfjs.mjs     (from the repository root, after npm run setup)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const tf = await import('@tensorflow/tfjs-node');
const OUT = path.join('examples', 'models', 'dcgan-generator-tfjs');

const seeded = (seed) => tf.initializers.glorotUniform({ seed });
const model = tf.sequential({ name: 'dcgan_generator' });
model.add(
  tf.layers.conv2dTranspose({
    inputShape: [1, 1, 8],
    filters: 16,
    kernelSize: 4,
    strides: 1,
    padding: 'valid',
    useBias: false,
    kernelInitializer: seeded(1),
    name: 'project',
  }),
);
model.add(tf.layers.batchNormalization({ name: 'bn1' }));
model.add(tf.layers.reLU({ name: 'relu1' }));
model.add(
  tf.layers.conv2dTranspose({
    filters: 8,
    kernelSize: 4,
    strides: 2,
    padding: 'same',
    useBias: false,
    kernelInitializer: seeded(2),
    name: 'up1',
  }),
);
model.add(tf.layers.batchNormalization({ name: 'bn2' }));
model.add(tf.layers.reLU({ name: 'relu2' }));
model.add(
  tf.layers.conv2dTranspose({
    filters: 3,
    kernelSize: 4,
    strides: 2,
    padding: 'same',
    kernelInitializer: seeded(3),
    name: 'to_rgb',
  }),
);
model.add(tf.layers.activation({ activation: 'tanh', name: 'tanh' }));

fs.mkdirSync(OUT, { recursive: true });
await model.save(`file://${path.resolve(OUT)}`);

// The layer output shapes tfjs computes, for test/import.test.ts (beside generate.py's).
const expectedPath = path.join('examples', 'models', 'expected.json');
const expected = fs.existsSync(expectedPath) ? JSON.parse(fs.readFileSync(expectedPath, 'utf8')) : {};
expected['dcgan-generator-tfjs/model.json'] = model.layers
  .filter((layer) => layer.getClassName() === 'Conv2DTranspose')
  .map((layer) => ({
    layer: layer.name,
    class: layer.getClassName(),
    input: [1, ...layer.input.shape.slice(1)],
    output: [1, ...layer.outputShape.slice(1)],
  }));
const sorted = Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1)));
fs.writeFileSync(expectedPath, `${JSON.stringify(sorted, null, 2)}\n`);
for (const file of fs.readdirSync(OUT))
  console.log(`wrote ${path.join(OUT, file)} (${fs.statSync(path.join(OUT, file)).size} bytes)`);

// The repository's Prettier check covers these JSON files (generate.py's too: run this script last).
const json = [path.join(OUT, 'model.json'), expectedPath, path.join('examples', 'models', 'probes.json')];
const prettier = spawnSync('npx', ['prettier', '--write', ...json.filter((file) => fs.existsSync(file))], {
  stdio: 'inherit',
});
if (prettier.status !== 0) process.exit(prettier.status ?? 1);
