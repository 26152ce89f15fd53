// Top-1 accuracy of an ONNX classifier in ONNX Runtime (onnxruntime-node, CPU):
// the peer that checks vitc's QDQ export. Prints one JSON line.
//
//   node ort_top1.js MODEL.onnx DATA.npy LABELS.npy [OPT_LEVEL]
//
// DATA.npy: float32 [N, ...] in C order; LABELS.npy: int64 [N]. The samples are
// fed in batches of the model's static batch size (1 when the dim is dynamic).
// OPT_LEVEL is ORT's graph optimisation level (default 'basic': at 'extended'
// ORT 1.30's MatMul+Add -> Gemm rewrite gives an INT8 QDQ graph a
// QuantizeLinear with a uint8 zero point and refuses it).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(process.env.VITC_NODE_MODULES || '', 'onnxruntime-node'));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (header.includes("'fortran_order': True")) throw new Error(`${file}: Fortran order`);
  const descr = header.match(/'descr': '([^']*)'/)[1];
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',')
    .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const bytes = buf.buffer.slice(buf.byteOffset + start + headerLen, buf.byteOffset + buf.length);
  if (descr === '<f4') return { data: new Float32Array(bytes), shape };
  if (descr === '<i8') return { data: new BigInt64Array(bytes), shape };
  throw new Error(`${file}: expected float32 or int64, got ${descr}`);
}

async function main() {
  const [model, dataFile, labelFile, level] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: level || 'basic',
  });
  const data = readNpy(dataFile), labels = readNpy(labelFile);
  const n = data.shape[0], per = data.data.length / n;
  if (labels.data.length !== n) throw new Error(`${n} samples but ${labels.data.length} labels`);
  const meta = session.inputMetadata ? session.inputMetadata[0] : null;
  const dim0 = meta && meta.shape && typeof meta.shape[0] === 'number' ? meta.shape[0] : 1;
  const batch = dim0 > 0 ? dim0 : 1;
  if (n % batch !== 0) throw new Error(`${n} samples do not fill batches of ${batch}`);
  let correct = 0;
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < n; b += batch) {
    const slice = data.data.subarray(b * per, (b + batch) * per);
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', slice, [batch, ...data.shape.slice(1)]) };
    const out = (await session.run(feeds))[session.outputNames[0]];
    const classes = out.data.length / batch;
    for (let i = 0; i < batch; ++i) {
      let best = 0;
      for (let c = 1; c < classes; ++c)
        if (out.data[i * classes + c] > out.data[i * classes + best]) best = c;
      if (BigInt(best) === labels.data[b + i]) ++correct;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ engine: 'onnxruntime-node', version: ort.env.versions.common,
    samples: n, top1: (100 * correct) / n, seconds }));
}
main().catch((e) => { console.error(`ort_top1: ${e.message}`); process.exit(1); });
