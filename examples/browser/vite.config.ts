import { defineConfig } from 'vite';
import { mnistSubset } from './plugins/mnist-subset.js';

export default defineConfig({
  plugins: [
    // The page trains on the first 2000 training images and tests on the first 1000 test images:
    // enough for a visible learning curve, small enough for a software (SwiftShader) GPU.
    mnistSubset({ train: 2000, test: 1000 }),
  ],
  build: { target: 'es2022' },
});
