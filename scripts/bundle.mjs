#!/usr/bin/env node
// `npm run bundle` (after tsc): the offline GPU bundle. Writes the folder bundle/surrogate-rt-gpu/
// and the tarball .bundle/surrogate-rt-gpu.tar.xz (at most 60 MiB), laid out like the package so
// dist/ finds build/Release/surrogate_rt.node and node_modules/ as it does in a checkout:
//   node.xz            this Node binary (process.execPath), xz-compressed; run-gpu.sh unpacks it
//   run-gpu.sh         unpack node, build the addon with the host's nvcc (plain CMake, no npm, no
//                      network), print nvidia-smi and devices(), run dist/bench/gpu-check.js (when
//                      present) and dist/bench/gpu.js, teeing every log into OUTDIR
//   dist/ package.json the compiled library and benchmarks
//   node_modules/      only the runtime files of onnx-proto, protobufjs, @protobufjs/*, long (found
//                      by tracing what a run loads), and node-addon-api's headers for the build
//   node-headers/      the N-API headers (node_api.h and what it includes) for CMAKE_JS_INC
//   native/ CMakeLists.txt    the engine sources
//   models/            the .onnx files, manifest.json, definitions.py, torch_bench.py
//   conformance/       the ONNX conformance cases whose operators are all in op set v1
//                      (src/bench/conformance.ts), from ../shared/onnx-conformance or
//                      $SURROGATE_RT_CONFORMANCE; dist/bench/gpu-check.js finds them there
// Then it checks the tarball: unpacked into a temp dir, the bundled node runs the bundled dist
// with NODE_PATH unset (models import, conformance cases decode, node-addon-api resolves).
// `--run` also runs run-gpu.sh there (a real build; BENCH_SECONDS defaults to 0.2).
// On the GPU host: tar xJf surrogate-rt-gpu.tar.xz -C /tmp && /tmp/surrogate-rt-gpu/run-gpu.sh OUTDIR
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'surrogate-rt-gpu';
const OUT = join(ROOT, 'bundle', NAME);
const CACHE = join(ROOT, 'bundle', '.cache');
const TARBALL = join(ROOT, '.bundle', `${NAME}.tar.xz`);
const LIMIT = 60 * 2 ** 20;
const CONFORMANCE = process.env.SURROGATE_RT_CONFORMANCE || join(ROOT, '..', 'shared', 'onnx-conformance');
const RUN = process.argv.includes('--run');

const log = (msg) => console.log(`bundle: ${msg}`);
const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
function die(msg) {
  console.error(`bundle: ERROR: ${msg}`);
  process.exit(1);
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) die(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) die(`${cmd} ${args.map((a) => (a.length > 80 ? '<script>' : a)).join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}
function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, dereference: true });
}
function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((t, f) => t + sizeOf(join(path, f)), 0);
}

if (!existsSync(join(ROOT, 'dist', 'index.js')) || !existsSync(join(ROOT, 'dist', 'bench', 'gpu.js'))) {
  die('dist/ is not built (run `npm run bundle`, which runs tsc first)');
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
mkdirSync(dirname(TARBALL), { recursive: true });

// 1. Node, xz-compressed (cached by version, size and mtime: xz -9 takes a minute or two).
{
  const exe = process.execPath;
  const st = statSync(exe);
  const cached = join(CACHE, `node-${process.version}-${process.platform}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.xz`);
  if (!existsSync(cached)) {
    log(`compressing ${exe} (${mib(st.size)}) with xz -T2 -9 ...`);
    rmSync(CACHE, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    const r = spawnSync('sh', ['-c', 'xz -T2 -9 -c "$1" > "$2.part" && mv "$2.part" "$2"', 'sh', exe, cached], { stdio: 'inherit' });
    if (r.status !== 0) die('xz failed (is xz-utils installed?)');
  }
  copy(cached, join(OUT, 'node.xz'));
  log(`node.xz: Node ${process.version} ${process.platform}-${process.arch}, ${mib(statSync(cached).size)}`);
}

// 2. The package: dist/ (JavaScript only), package.json, native sources, CMakeLists.txt.
cpSync(join(ROOT, 'dist'), join(OUT, 'dist'), {
  recursive: true,
  filter: (src) => statSync(src).isDirectory() || src.endsWith('.js'),
});
copy(join(ROOT, 'package.json'), join(OUT, 'package.json'));
copy(join(ROOT, 'CMakeLists.txt'), join(OUT, 'CMakeLists.txt'));
cpSync(join(ROOT, 'native'), join(OUT, 'native'), {
  recursive: true,
  filter: (src) => !/(^|[/\\])(build|\.cache|__pycache__)$|\.(o|obj|so|node|a)$/.test(src),
});

// 3. Runtime dependencies: the files a run actually loads (traced), plus each package's
//    package.json and licence. onnxruntime-node is not among them (the benchmarks run with
//    fallback: 'error' and never import it).
{
  const tracer = `
    import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    const [dist, models] = process.argv.slice(1);
    const m = await import(dist + '/index.js');
    const { onnx } = await import(dist + '/onnx/proto.js');
    for (const f of JSON.parse(readFileSync(models + '/manifest.json', 'utf8')).models) {
      const bytes = readFileSync(models + '/' + f.file);
      m.importModel(bytes);
      onnx.ModelProto.decode(bytes);
    }
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', tracer, pathToFileURL(join(ROOT, 'dist')).href, join(ROOT, 'models')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) die(`tracing the runtime dependencies failed:\n${r.stderr}`);
  const loaded = JSON.parse(r.stdout.trim().split('\n').pop()).filter((f) => f.startsWith(join(ROOT, 'node_modules') + sep));
  const packages = new Set();
  for (const f of loaded) {
    const rel = relative(join(ROOT, 'node_modules'), f).split(sep);
    packages.add(rel[0].startsWith('@') ? `${rel[0]}/${rel[1]}` : rel[0]);
    copy(f, join(OUT, 'node_modules', ...rel));
  }
  for (const p of packages) {
    for (const f of readdirSync(join(ROOT, 'node_modules', p))) {
      if (f === 'package.json' || /^(licen[cs]e|copying)/i.test(f)) copy(join(ROOT, 'node_modules', p, f), join(OUT, 'node_modules', p, f));
    }
  }
  if (!packages.has('onnx-proto') || !packages.has('protobufjs')) die(`unexpected trace: ${[...packages].join(', ')}`);
  log(`runtime dependencies: ${[...packages].sort().join(', ')} (${loaded.length} files, ${mib(sizeOf(join(OUT, 'node_modules')))})`);

  // node-addon-api: headers and what CMakeLists.txt's \`node -p "require('node-addon-api').include_dir"\` needs.
  const napi = dirname(createRequire(join(ROOT, 'package.json')).resolve('node-addon-api/package.json'));
  for (const f of ['napi.h', 'napi-inl.h', 'napi-inl.deprecated.h', 'index.js', 'package.json', 'LICENSE.md']) {
    if (existsSync(join(napi, f))) copy(join(napi, f), join(OUT, 'node_modules', 'node-addon-api', f));
    else if (f !== 'LICENSE.md') die(`node-addon-api: ${f} is missing in ${napi}`);
  }
}

// 4. The Node-API headers: node_api.h, js_native_api.h and everything they include (in quotes).
{
  const candidates = [process.env.SURROGATE_RT_NODE_HEADERS, join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'];
  const dir = candidates.find((d) => d && existsSync(join(d, 'node_api.h')));
  if (!dir) die(`no Node headers found (looked in ${candidates.filter(Boolean).join(', ')}; set SURROGATE_RT_NODE_HEADERS)`);
  const todo = ['node_api.h', 'node_api_types.h', 'js_native_api.h', 'js_native_api_types.h'];
  const done = new Set();
  while (todo.length) {
    const h = todo.pop();
    if (done.has(h)) continue;
    if (!existsSync(join(dir, h))) die(`${dir}/${h} is missing`);
    done.add(h);
    copy(join(dir, h), join(OUT, 'node-headers', h));
    for (const m of readFileSync(join(dir, h), 'utf8').matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
      if (existsSync(join(dir, m[1]))) todo.push(m[1]);
    }
  }
  log(`node-headers: ${[...done].sort().join(', ')} (from ${dir})`);
}

// 5. Models.
for (const f of readdirSync(join(ROOT, 'models'))) {
  if (f.endsWith('.onnx') || ['manifest.json', 'definitions.py', 'torch_bench.py'].includes(f)) copy(join(ROOT, 'models', f), join(OUT, 'models', f));
}
for (const f of ['definitions.py', 'torch_bench.py', 'manifest.json']) if (!existsSync(join(OUT, 'models', f))) die(`models/${f} is missing`);

// 6. The ONNX conformance cases of op set v1: the selection the tests and the GPU check make
//    (conformanceCases() of src/bench/conformance.ts), in the same suite/case layout.
let conformanceCount = 0;
{
  if (!existsSync(CONFORMANCE)) die(`the ONNX conformance data is not at ${CONFORMANCE} (set SURROGATE_RT_CONFORMANCE)`);
  const { conformanceCases } = await import(pathToFileURL(join(ROOT, 'dist', 'bench', 'conformance.js')).href);
  const cases = conformanceCases(CONFORMANCE);
  const perSuite = new Map();
  for (const c of cases) {
    copy(c.dir, join(OUT, 'conformance', c.suite, c.name));
    perSuite.set(c.suite, (perSuite.get(c.suite) ?? 0) + 1);
  }
  if (existsSync(join(CONFORMANCE, 'README.md'))) copy(join(CONFORMANCE, 'README.md'), join(OUT, 'conformance', 'README.md'));
  conformanceCount = cases.length;
  log(`conformance: ${cases.length} cases in op set v1 (${[...perSuite].map(([s, n]) => `${s} ${n}`).join(', ')}), ${mib(sizeOf(join(OUT, 'conformance')))}`);
}

// 7. run-gpu.sh and a README.
writeFileSync(join(OUT, 'run-gpu.sh'), readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n// @@run-gpu.sh\n')[1].split('\n// @@end\n')[0].replace(/^\/\/ ?/gm, ''));
chmodSync(join(OUT, 'run-gpu.sh'), 0o755);
writeFileSync(join(OUT, 'README.txt'), `surrogate-rt GPU bundle (made ${new Date().toISOString()} with Node ${process.version}).

  tar xJf ${NAME}.tar.xz -C /tmp && /tmp/${NAME}/run-gpu.sh OUTDIR

needs: bash, xz (or python3), CMake >= 3.18, a C++17 compiler, nvcc, an NVIDIA driver; for the
PyTorch columns python3 with torch. No npm, no network. See the top of run-gpu.sh for the options.
Results: OUTDIR/gpu-bench.md, OUTDIR/gpu-bench.json; logs: OUTDIR/*.log.
`);

// 8. The tarball.
{
  const part = `${TARBALL}.part`;
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', 'tar --sort=name --owner=0 --group=0 --numeric-owner -C "$1" -cf - "$2" | xz -T2 -9 > "$3"', 'bash', dirname(OUT), NAME, part], { stdio: 'inherit' });
  if (r.status !== 0) die('tar | xz failed');
  renameSync(part, TARBALL);
  const size = statSync(TARBALL).size;
  log(`${relative(ROOT, TARBALL)}: ${mib(size)} (${size} bytes; the limit is ${mib(LIMIT)}); folder ${relative(ROOT, OUT)}: ${mib(sizeOf(OUT))}`);
  if (size > LIMIT) die(`the tarball is ${mib(size)}, over the ${mib(LIMIT)} limit`);
}

// 9. Check the tarball: unpack it elsewhere and run the bundled node on the bundled dist, with
//    nothing from this checkout reachable (no NODE_PATH, cwd and package outside the repository).
{
  const tmp = mkdtempSync(join(tmpdir(), 'srt-bundle-check-'));
  try {
    run('tar', ['xJf', TARBALL, '-C', tmp]);
    const root = join(tmp, NAME);
    run('sh', ['-c', 'xz -dc "$1" > "$2" && chmod +x "$2"', 'sh', join(root, 'node.xz'), join(tmp, 'node')]);
    const env = { ...process.env };
    for (const k of ['NODE_PATH', 'NODE_OPTIONS', 'npm_config_nodedir']) delete env[k];
    env.PATH = `${tmp}:${env.PATH ?? ''}`;
    const check = `
      import { readFileSync, readdirSync, existsSync } from 'node:fs';
      const root = process.argv[1];
      const m = await import(root + '/dist/index.js');
      const { onnx, tensorFromProto } = await import(root + '/dist/onnx/proto.js');
      const { conformanceCases } = await import(root + '/dist/bench/conformance.js');
      await import(root + '/dist/bench/timing.js');
      if (conformanceCases(root + '/conformance').length !== Number(process.argv[2])) throw new Error('the bundled conformance cases are not all found');
      const models = JSON.parse(readFileSync(root + '/models/manifest.json', 'utf8')).models;
      for (const f of models) {
        const { graph } = m.importModel(readFileSync(root + '/models/' + f.file));
        m.inferShapes(graph);
      }
      let cases = 0, tensors = 0, other = 0;
      for (const suite of readdirSync(root + '/conformance', { withFileTypes: true })) {
        if (!suite.isDirectory()) continue;
        for (const c of readdirSync(root + '/conformance/' + suite.name)) {
          const dir = root + '/conformance/' + suite.name + '/' + c;
          onnx.ModelProto.decode(readFileSync(dir + '/model.onnx'));
          cases++;
          const set = dir + '/test_data_set_0';
          if (existsSync(set)) for (const f of readdirSync(set)) {
            try { tensorFromProto(onnx.TensorProto.decode(readFileSync(set + '/' + f)), { baseDir: undefined }); tensors++; }
            catch { other++; }  // string tensors, sequences...: not ours to decode
          }
        }
      }
      const d = m.devices();
      console.log('node ' + process.version + ': ' + models.length + ' models imported, ' + cases + ' conformance cases and ' + tensors + ' tensors decoded (' + other + ' other data files); addon: ' + (d.native ? 'loaded' : 'not built yet (expected)'));`;
    run(join(tmp, 'node'), ['--input-type=module', '-e', check, root, String(conformanceCount)], { cwd: tmp, env });
    const inc = spawnSync(join(tmp, 'node'), ['-p', "require('node-addon-api').include_dir"], { cwd: root, env, encoding: 'utf8' });
    if (inc.status !== 0 || !existsSync(join(root, inc.stdout.trim(), 'napi.h'))) die(`node-addon-api does not resolve in the bundle: ${inc.stderr}`);
    run(join(tmp, 'node'), [join(root, 'dist', 'bench', 'gpu.js'), '--help'], { cwd: tmp, env, stdio: 'ignore' });
    log(`checked: the unpacked tarball runs on its own node with NODE_PATH unset (node-addon-api include_dir '${inc.stdout.trim()}')`);
    if (RUN) {
      log(`--run: ${root}/run-gpu.sh ${join(tmp, 'out')}`);
      const r = spawnSync(join(root, 'run-gpu.sh'), [join(tmp, 'out')], { cwd: tmp, stdio: 'inherit', env: { ...env, BENCH_SECONDS: process.env.BENCH_SECONDS ?? '0.2' } });
      log(`run-gpu.sh exited with ${r.status ?? r.signal}; its output: ${join(tmp, 'out')} (kept)`);
    }
  } finally {
    if (!RUN) rmSync(tmp, { recursive: true, force: true });
  }
}
log(`done: ${relative(ROOT, OUT)}/ and ${relative(ROOT, TARBALL)}. On the GPU host: tar xJf ${basename(TARBALL)} -C /tmp && /tmp/${NAME}/run-gpu.sh OUTDIR`);

// The script run-gpu.sh, written into the bundle (each line below without its leading "// ").
// @@run-gpu.sh
// #!/usr/bin/env bash
// # surrogate-rt GPU bundle (made by scripts/bundle.mjs): unpacks Node, builds the native addon with
// # this host's nvcc (plain CMake: no npm, no network), prints nvidia-smi and devices(), runs the
// # GPU conformance check (dist/bench/gpu-check.js, when the bundle has it) and the GPU benchmark
// # (dist/bench/gpu.js). Every log is teed into OUTDIR.
// #   run-gpu.sh [OUTDIR]        OUTDIR defaults to ./out
// # Environment:
// #   CMAKE_CUDA_ARCHITECTURES   default: native when a GPU is visible and CMake >= 3.24, else the
// #                              GPU's compute capability (nvidia-smi), else 90
// #   SRT_CUDA_ONLY="unary;binary"  build only those native/cuda/*.cu files (+ devices, executor)
// #   SKIP_BUILD=1               reuse an addon built by an earlier run; JOBS=n build jobs
// #   GPU_CHECK=0                skip dist/bench/gpu-check.js
// #   BENCH_SECONDS (default 2), BENCH_MODELS, BENCH_BATCHES, PYTHON (default python3),
// #   TORCH_BENCH=0, THREADS ... : see dist/bench/gpu.js --help
// set -u -o pipefail
// HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
// OUTDIR="${1:-out}"
// mkdir -p "$OUTDIR" && OUTDIR="$(cd "$OUTDIR" && pwd)" || { echo "run-gpu.sh: cannot create $OUTDIR" >&2; exit 1; }
// T0=$(date +%s)
//
// step() { echo; echo "=== [$(( $(date +%s) - T0 )) s] $*"; }
// version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
//
// main() {
//   local build_ok=0 check_rc=skipped bench_rc=1
//   cd "$HERE" || return 1
//   step "surrogate-rt GPU bundle in $HERE; results in $OUTDIR"
//   date -u; uname -srm; echo "CPUs: $(nproc)"; head -1 README.txt
//
//   step "Node"
//   if [ ! -x bin/node ]; then
//     mkdir -p bin
//     if command -v xz >/dev/null; then xz -dc node.xz > bin/node.part
//     else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' node.xz bin/node.part
//     fi && chmod +x bin/node.part && mv bin/node.part bin/node
//   fi
//   export PATH="$HERE/bin:$PATH"
//   unset NODE_PATH NODE_OPTIONS
//   if ! node --version; then
//     echo "run-gpu.sh: the bundled Node does not run on this host:"; ldd bin/node || true
//     step "PyTorch alone (no Node)"
//     "${PYTHON:-python3}" models/torch_bench.py --json > "$OUTDIR/torch-bench.json"
//     return 1
//   fi
//
//   step "Build the addon"
//   if [ -z "$(command -v nvcc || true)" ] && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH="$PATH:/usr/local/cuda/bin"; fi
//   local nvcc; nvcc="$(command -v nvcc || true)"
//   if [ -n "$nvcc" ]; then export CUDACXX="$nvcc"; "$nvcc" --version | tail -2; else echo "nvcc: not found (the addon will be built without CUDA)"; fi
//   local cmake_version; cmake_version="$(cmake --version | head -1 | awk '{print $3}')"
//   echo "cmake $cmake_version, $(c++ --version 2>/dev/null | head -1)"
//   local cc arch fallback
//   cc="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .\r')"
//   fallback="${cc:-90}"
//   if [ -n "${CMAKE_CUDA_ARCHITECTURES:-}" ]; then arch="$CMAKE_CUDA_ARCHITECTURES"
//   elif [ -n "$cc" ] && version_ge "$cmake_version" 3.24; then arch=native
//   else arch="$fallback"
//   fi
//   configure() {
//     cmake -S "$HERE" -B "$HERE/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_JS_INC="$HERE/node-headers" \
//       -DCMAKE_CUDA_ARCHITECTURES="$1" -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$HERE/build/Release" \
//       ${SRT_CUDA_ONLY:+"-DSRT_CUDA_ONLY=$SRT_CUDA_ONLY"}
//   }
//   if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f build/Release/surrogate_rt.node ]; then
//     echo "SKIP_BUILD=1: reusing build/Release/surrogate_rt.node"; build_ok=1
//   else
//     rm -f build/Release/surrogate_rt.node build/surrogate_rt.node   # never benchmark a stale build
//     {
//       echo "CMAKE_CUDA_ARCHITECTURES=$arch${SRT_CUDA_ONLY:+, SRT_CUDA_ONLY=$SRT_CUDA_ONLY}"
//       if ! configure "$arch" && [ "$arch" != "$fallback" ]; then
//         echo "run-gpu.sh: configuring with CMAKE_CUDA_ARCHITECTURES=$arch failed; again with $fallback"
//         rm -rf build; configure "$fallback"
//       fi && cmake --build build --target surrogate_rt --parallel "${JOBS:-$(nproc)}"
//     } 2>&1 | tee "$OUTDIR/build.log"
//     if [ "${PIPESTATUS[0]}" = 0 ]; then
//       if [ ! -f build/Release/surrogate_rt.node ] && [ -f build/surrogate_rt.node ]; then mkdir -p build/Release && cp build/surrogate_rt.node build/Release/; fi
//       [ -f build/Release/surrogate_rt.node ] && build_ok=1
//     fi
//   fi
//   if grep -q "building the CPU engine only" "$OUTDIR/build.log" 2>/dev/null; then
//     echo "run-gpu.sh: WARNING: CMake found no working nvcc, so the addon has NO CUDA backend (set CUDACXX=/path/to/nvcc)"
//   fi
//   if [ "$build_ok" = 1 ]; then echo "addon: $HERE/build/Release/surrogate_rt.node"
//   else echo "run-gpu.sh: THE ADDON BUILD FAILED (see $OUTDIR/build.log); the benchmark still runs, with only the PyTorch columns"
//   fi
//
//   step "nvidia-smi"
//   nvidia-smi || echo "nvidia-smi: not available"
//   step "devices()"
//   node --input-type=module -e 'const m = await import(process.argv[1]); console.log(JSON.stringify(m.devices(), null, 2));' "$HERE/dist/index.js"
//   "${PYTHON:-python3}" -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "CUDA", torch.version.cuda, "available", torch.cuda.is_available())' \
//     || echo "PyTorch: not importable by ${PYTHON:-python3}"
//
//   step "GPU conformance check"
//   if [ "${GPU_CHECK:-1}" = 0 ]; then
//     echo "skipped: GPU_CHECK=0"
//   elif [ -f dist/bench/gpu-check.js ]; then
//     SURROGATE_RT_CONFORMANCE="$HERE/conformance" node dist/bench/gpu-check.js 2>&1 | tee "$OUTDIR/gpu-check.log"
//     check_rc="${PIPESTATUS[0]}"
//   else
//     echo "skipped: dist/bench/gpu-check.js is not in this bundle (src/bench/gpu-check.ts was not written yet when it was made)"
//   fi
//
//   step "GPU benchmark"
//   node dist/bench/gpu.js --out "$OUTDIR/gpu-bench.md" --json "$OUTDIR/gpu-bench.json" 2>&1 | tee "$OUTDIR/gpu-bench.log"
//   bench_rc="${PIPESTATUS[0]}"
//
//   step "Summary"
//   echo "addon build: $([ "$build_ok" = 1 ] && echo ok || echo FAILED); gpu-check: $check_rc; benchmark: exit $bench_rc"
//   ls -l "$OUTDIR"
//   [ "$build_ok" = 1 ] && [ "$bench_rc" = 0 ] && { [ "$check_rc" = skipped ] || [ "$check_rc" = 0 ]; }
// }
//
// main 2>&1 | tee "$OUTDIR/run-gpu.log"
// exit "${PIPESTATUS[0]}"
// @@end
