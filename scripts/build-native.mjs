#!/usr/bin/env node
// Builds the native addon with cmake-js (the build of record). Run by `npm install`.
// If the build fails, installation still succeeds: we say why and how to fix it, and
// loadModel() then runs every model through onnxruntime-node and says so.
// `--strict` makes a failure fatal (CI and `npm run build:native`).
// `--emulator` builds the test addon build/Release/surrogate_rt_emu.node instead: the CUDA kernels
// and executor compiled by the host compiler against the CPU emulator in native/cuda/emu (run
// before `npm test`, so the CUDA code is tested where there is no GPU).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict') || process.env.SURROGATE_RT_STRICT_BUILD === '1';
const require = createRequire(import.meta.url);

if (process.env.SURROGATE_RT_SKIP_BUILD === '1') {
  console.log('surrogate-rt: SURROGATE_RT_SKIP_BUILD=1, not building the native addon');
  process.exit(0);
}

if (process.argv.includes('--emulator')) {
  const cache = join(root, 'build', 'CMakeCache.txt');
  if (!existsSync(cache)) {
    fail('the build folder is not configured (the main addon build did not run), so the CUDA emulator build cannot be made; the cuda-emu tests will be skipped');
  }
  const jobs = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? String(Math.max(1, (await import('node:os')).availableParallelism()));
  const r = spawnSync('cmake', ['--build', join(root, 'build'), '--target', 'surrogate_rt_emu', '--parallel', jobs], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) fail(`the CUDA emulator build failed (exit code ${r.status ?? r.signal})`);
  console.log('surrogate-rt: CUDA emulator test addon built at build/Release/surrogate_rt_emu.node');
  process.exit(0);
}

let cmakeJs;
try {
  cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch {
  fail('cmake-js is not installed (it is a dependency of surrogate-rt: run `npm install` again)');
}

const args = [cmakeJs, 'compile', '--directory', root, '--out', join(root, 'build')];
if (process.env.CMAKE_CUDA_ARCHITECTURES) args.push(`--CDCMAKE_CUDA_ARCHITECTURES=${process.env.CMAKE_CUDA_ARCHITECTURES}`);
if (process.env.SURROGATE_RT_CUDA === '0') args.push('--CDSRT_WITH_CUDA=OFF');
const jobs = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? String(Math.max(1, (await import('node:os')).availableParallelism()));
const env = { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs };
// Build against the running Node's own headers when it ships them (no download needed);
// cmake-js would otherwise fetch them from nodejs.org.
const localHeaders = join(dirname(process.execPath), '..');
if (!env.npm_config_nodedir && existsSync(join(localHeaders, 'include', 'node', 'node_api.h'))) {
  env.npm_config_nodedir = localHeaders;
}
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
if (result.status !== 0 || !existsSync(join(root, 'build', 'Release', 'surrogate_rt.node'))) {
  fail(`the native build failed (exit code ${result.status ?? result.signal})`);
}
console.log('surrogate-rt: native addon built at build/Release/surrogate_rt.node');

function fail(why) {
  const msg = [
    '',
    `surrogate-rt: ${why}.`,
    'surrogate-rt will still work: loadModel() runs every model through onnxruntime-node (CPU) and',
    "reports model.backend === 'onnxruntime'. To get the native engine, install a C++17 compiler and",
    'CMake >= 3.18 (Debian/Ubuntu: apt-get install g++ cmake; macOS: xcode-select --install && brew install cmake),',
    'then run `npm rebuild surrogate-rt` (or `npm run build:native` in a checkout).',
    '',
  ].join('\n');
  if (strict) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}
