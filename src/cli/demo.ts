#!/usr/bin/env node
// `npm start`: loads every bundled model and predicts on a small random batch, printing the
// device, the backend and a few outputs.
import { join } from 'node:path';
import { devices, loadModel } from '../index.js';
import { manifest, modelFeeds, MODELS_DIR } from './bundled.js';

const d = devices();
console.log(`surrogate-rt demo — native engine: ${d.native ? 'yes' : `no (${d.nativeError})`}`);
console.log(`CPU: ${d.cpu.model || 'unknown'} (${d.cpu.cores} cores${d.cpu.avx2 ? ', AVX2' : ''}${d.cpu.fma ? ', FMA' : ''}${d.cpu.avx512f ? ', AVX-512' : ''})`);
console.log(`CUDA: ${d.cuda.devices.length ? d.cuda.devices.map((g) => `${g.name} (sm_${g.computeCapability})`).join(', ') : `none — ${d.cuda.message}`}\n`);

for (const m of manifest()) {
  const model = await loadModel(join(MODELS_DIR, m.file));
  const batch = 4;
  const t0 = performance.now();
  const out = await model.predict(modelFeeds(m, batch, 42));
  const ms = performance.now() - t0;
  console.log(`${m.name}: ${m.description}`);
  console.log(`  device ${model.device}, backend ${model.backend}${model.fallbackReason ? ` (fallback: ${model.fallbackReason})` : ''}`);
  console.log(`  inputs  ${model.inputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join(', ')}`);
  for (const [name, t] of Object.entries(out)) {
    const first = Array.from(t.data as Float32Array).slice(0, 6).map((v) => Number(v).toFixed(4));
    console.log(`  output  ${name} ${t.type}[${t.dims.join(', ')}]: ${first.join(', ')}${t.size > 6 ? ', …' : ''}`);
  }
  console.log(`  batch ${batch} in ${ms.toFixed(1)} ms (first call, includes planning)\n`);
  model.dispose();
}
