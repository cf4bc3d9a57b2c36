#!/usr/bin/env node
/**
 * Derives the polynomial of v_exp (csrc/vmath.h): e^r ≈ 1 + r + c2·r² + … + cD·r^D on
 * [−ln2/2, ln2/2], c2..cD minimising the maximum RELATIVE error (Lawson's iteratively reweighted
 * least squares over a dense grid, all in float64, which converges to the minimax fit), then rounds
 * the coefficients to float32 and reports the relative error of the float64 evaluation with them.
 *   node scripts/exp-fit.mjs [degree=5]
 * With --check (after `npm run build:wasm` and `tsc -b`) it also sweeps the module's exp over
 * [−104, 89] (every float32 in [−1, 1] step 1/2^14, plus a dense grid) and special values, and
 * reports the max error in float32 ulps against Math.exp.
 */
const D = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const H = Math.LN2 / 2;
const G = 20001;
const rs = Float64Array.from({ length: G }, (_, i) => -H + (2 * H * i) / (G - 1));
const K = D - 1; // unknowns c2..cD

function solve(A, b) { // Gaussian elimination with partial pivoting, small dense system
  const n = b.length;
  for (let i = 0; i < n; i++) {
    let p = i;
    for (let j = i + 1; j < n; j++) if (Math.abs(A[j][i]) > Math.abs(A[p][i])) p = j;
    [A[i], A[p]] = [A[p], A[i]]; [b[i], b[p]] = [b[p], b[i]];
    for (let j = i + 1; j < n; j++) {
      const f = A[j][i] / A[i][i];
      for (let k = i; k < n; k++) A[j][k] -= f * A[i][k];
      b[j] -= f * b[i];
    }
  }
  const x = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= A[i][k] * x[k];
    x[i] = s / A[i][i];
  }
  return x;
}

// relative error e(r) = (1 + r + Σ c_k r^k − e^r) / e^r: linear in c, target t(r) = (e^r − 1 − r)/e^r,
// basis φ_k(r) = r^k / e^r. Scale the basis by (2/ln2)^k so the normal equations stay well conditioned.
const S = 1 / H;
const relErr = (c, r) => {
  let p = 0;
  for (let k = D; k >= 2; k--) p = p * r + c[k - 2];
  p = 1 + r + p * r * r;
  return (p - Math.exp(r)) / Math.exp(r);
};
let w = new Float64Array(G).fill(1 / G);
let c = new Array(K).fill(0);
for (let it = 0; it < 400; it++) {
  const A = Array.from({ length: K }, () => new Array(K).fill(0));
  const b = new Array(K).fill(0);
  for (let i = 0; i < G; i++) {
    const r = rs[i], er = Math.exp(r);
    const phi = Array.from({ length: K }, (_, j) => (r * S) ** (j + 2) / er);
    const t = (er - 1 - r) / er;
    for (let j = 0; j < K; j++) {
      b[j] += w[i] * phi[j] * t;
      for (let k = 0; k < K; k++) A[j][k] += w[i] * phi[j] * phi[k];
    }
  }
  const y = solve(A, b);
  c = y.map((v, j) => v * S ** (j + 2));
  let sum = 0;
  for (let i = 0; i < G; i++) { w[i] *= Math.abs(relErr(c, rs[i])); sum += w[i]; }
  for (let i = 0; i < G; i++) w[i] /= sum;
}
const maxRel = (cc) => rs.reduce((m, r) => Math.max(m, Math.abs(relErr(cc, r))), 0);
const c32 = c.map((v) => Math.fround(v));
console.log(`degree ${D}: max relative error (float64 evaluation) ${maxRel(c).toExponential(3)}; ` +
  `coefficients rounded to float32 ${maxRel(c32).toExponential(3)} (float32 ulp at 1 is 2^-23 = ${(2 ** -23).toExponential(3)})`);
c32.forEach((v, j) => console.log(`  c${j + 2} = ${v.toPrecision(9)}f  (Taylor 1/${j + 2}! = ${(1 / [2, 6, 24, 120, 720, 5040][j]).toPrecision(9)})`));

if (process.argv.includes('--check')) {
  const { WasmBackend } = await import('../dist/index.js');
  const be = await WasmBackend.create({ threads: 1 });
  const xs = [];
  for (let x = -104; x <= 89; x += 1 / 4096) xs.push(x);
  for (let i = -(1 << 14); i <= 1 << 14; i++) xs.push(i / (1 << 14));
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 88.72283, 88.72284,
    88.7229, 89, 100, -87.33654, -87.3366, -100, -103.2789, -103.9720, -103.98, -104, -1000, 1e30, -1e30];
  const input = Float32Array.from([...xs, ...specials]);
  const info = { storage: be.write(input, 'float32'), shape: [input.length], dtype: 'float32' };
  const out = be.unary('exp', info);
  const got = be.readSync(out.storage);
  const ulp = (v) => { // float32 ulp of |v| (denormal spacing below 2^-126)
    const a = Math.abs(v);
    if (a < 2 ** -126) return 2 ** -149;
    return 2 ** (Math.floor(Math.log2(a)) - 23);
  };
  let worst = 0, worstX = 0, worstNormal = 0, worstNormalX = 0, bad = [];
  for (let i = 0; i < input.length; i++) {
    const x = input[i], y = got[i], e = Math.exp(x), e32 = Math.fround(e);
    if (Number.isNaN(x)) { if (!Number.isNaN(y)) bad.push([x, y]); continue; }
    if (!Number.isFinite(e32)) { if (y !== e32) bad.push([x, y]); continue; }
    if (!Number.isFinite(y)) { bad.push([x, y]); continue; }
    const u = Math.abs(y - e) / ulp(e32);
    if (u > worst) { worst = u; worstX = x; }
    if (e32 >= 2 ** -126 && u > worstNormal) { worstNormal = u; worstNormalX = x; }
  }
  console.log(`module exp over ${input.length} inputs: max error ${worst.toFixed(3)} ulp (x = ${worstX}); ` +
    `normal results ${worstNormal.toFixed(3)} ulp (x = ${worstNormalX}); wrong special values: ${bad.length ? JSON.stringify(bad) : 'none'}`);
  specials.forEach((x, j) => {
    const y = got[input.length - specials.length + j];
    console.log(`  exp(${Object.is(x, -0) ? '-0' : x}) = ${y}  (float32 of Math.exp: ${Math.fround(Math.exp(x))})`);
  });
  be.dispose();
}
