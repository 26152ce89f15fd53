// Latency of one ONNX model in ONNX Runtime (onnxruntime-node, CPU), the peer
// vitc's interpreter is compared with. Prints one JSON line.
//
//   node ort_latency.js MODEL.onnx INPUT.npy THREADS REPEAT WARMUP [OUTPUT.npy]
//
// INPUT.npy must be float32, C order (the zoo's input.npy). With OUTPUT.npy the
// first output is written for an accuracy cross-check.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpyF32(path) {
  const buf = fs.readFileSync(path);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${path}: expected little-endian float32 in C order`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',')
    .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const offset = start + headerLen;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + buf.length));
  return { data, shape };
}

function writeNpyF32(path, tensor) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${tensor.dims.join(', ')}${tensor.dims.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)]));
}

async function main() {
  const [model, input, threads, repeat, warmup, output] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const { data, shape } = readNpyF32(input);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, shape) };
  let result;
  for (let i = 0; i < Number(warmup); ++i) result = await session.run(feeds);
  const times = [];
  for (let i = 0; i < Number(repeat); ++i) {
    const t0 = process.hrtime.bigint();
    result = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  if (output) writeNpyF32(output, result[session.outputNames[0]]);
  console.log(JSON.stringify({ engine: 'onnxruntime-node', version: ort.env.versions.common,
    threads: Number(threads), median_ms: times[times.length >> 1], min_ms: times[0], runs: times.length }));
}
main().catch((e) => { console.error(`ort_latency: ${e.message}`); process.exit(1); });
