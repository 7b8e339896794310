import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
await tf.setBackend("cpu");
const x = tf.randomNormal([1, 32, 32, 128]) as tf.Tensor4D;
const w = tf.randomNormal([4, 4, 64, 128]) as tf.Tensor4D;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const y = tf.conv2dTranspose(x, w, [1, 64, 64, 64], 2, "same");
  y.dataSync();
  console.log(performance.now() - t0);
  y.dispose();
}
