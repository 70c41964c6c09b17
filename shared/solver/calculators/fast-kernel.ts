// The fast calculator's sample loop, generated once per calculator for the workflow's topology:
// instances, edges, probabilities and table offsets become straight-line code with constants, and
// per-sample instance state lives in local variables instead of typed arrays. What depends on the
// placement or the hour stays in the tables that specialize() fills per evaluation. The generated
// code draws the same random numbers in the same order as simple.ts (tested against it).

/** The topology facts the generated code bakes in (all indices into the calculator's tables). */
export interface KernelTopology {
  N: number;
  start: number;
  topo: ArrayLike<number>;
  isSync: ArrayLike<number>;
  inStart: ArrayLike<number>;
  inEdge: ArrayLike<number>;
  eFrom: ArrayLike<number>;
  eProb: ArrayLike<number>;
  eAuxCol: ArrayLike<number>;
  eSizeOff: ArrayLike<number>;
  eSizeLen: ArrayLike<number>;
  eToSync: ArrayLike<number>;
  neStart: ArrayLike<number>;
  neSync: ArrayLike<number>;
}

/** Draws samples [from, to) of calculator state `c` and returns the new stream position. */
export type SampleKernel = (c: unknown, from: number, to: number, rpos: number) => number;

const num = (x: number): string => (Object.is(x, -0) ? '0' : String(x));

export function compileKernel(t: KernelTopology): SampleKernel {
  const L: string[] = [];
  const s0 = t.start;
  // Hoisted tables (read from the calculator once per call).
  L.push(
    'const { routeEF, egress, snsPrice, ci, carbonPerS, execUsdPerS, invocationUsd, durRec, auxRowRef, rowDuring, auxVals, sizePool,',
    '  nProfOff, nProfLen, nExecUsd, nInvUsd, nCarbonPerS, nDuring, nDdbR, nDdbW, zRec, xCost, xCarbon, xLatOff, xLatLen, xLatAdd,',
    '  pingMean, startSizes, startSizeSns, upAt, upGB, place, R, home, pWpd, wpdGB, systemCI, redirOff, redirLen, maxDraws, stream } = c;',
    'const latPool = c.pools.values;',
    'const wpdCost = c.wpdRCU * c.sysReadUsd;',
    'const nStartSizes = startSizes.length;',
    'const outCost = c.buf.cost, outRuntime = c.buf.runtime, outCarbon = c.buf.carbon;',
    'const EF = c.EF, UNKNOWN_CI = c.UNKNOWN_CI, wcuOf = c.wcuOf, rcuOf = c.rcuOf;',
    'let rbuf = stream.values;',
    'let rlen = stream.length;',
    'for (let k = from; k < to; k++) {',
    '  if (rlen - rpos < maxDraws) { stream.extend(rpos + maxDraws); rbuf = stream.values; rlen = stream.length; }',
    '  let cost = 0, carbon = 0, runtime = 0;',
  );
  for (let i = 0; i < t.N; i++) L.push(`  let inv${i} = 0, st${i} = 0, en${i} = 0, ar${i} = -1, sim${i} = -Infinity, up${i} = 0;`);
  // Start hop (caribou-spec: WPD read, client message, optional redirector at home).
  L.push(
    `  const rs = place[${s0}];`,
    '  const atFunction = rbuf[rpos++] < pWpd;',
    '  const redirected = atFunction && rs !== home;',
    '  const si = (rbuf[rpos++] * nStartSizes) | 0;',
    '  const inputGB = startSizes[si];',
    '  const first = redirected ? home : rs;',
    '  cost += wpdCost;',
    '  carbon += wpdGB * EF * (atFunction ? (systemCI + ci[first]) / 2 : UNKNOWN_CI);',
    '  cost += startSizeSns[si] * snsPrice[first];',
    '  carbon += inputGB * EF * UNKNOWN_CI;',
    '  let t0 = 0;',
    '  if (redirected) {',
    '    let d = 0;',
    '    if (redirLen > 0) d = durRec[3 * (redirOff + ((rbuf[rpos++] * redirLen) | 0))];',
    `    const ih = ${s0} * R + home;`,
    '    cost += execUsdPerS[ih] * d + invocationUsd[ih];',
    '    carbon += carbonPerS[ih] * d;',
    '    cost += startSizeSns[si] * snsPrice[rs];',
    '    carbon += inputGB * routeEF[home * R + rs];',
    '    cost += inputGB * egress[home];',
    '    runtime = d;',
    '    t0 = d + pingMean[home * R + rs];',
    '  }',
    `  inv${s0} = 1;`,
    `  st${s0} = t0;`,
  );
  for (let ti = 0; ti < t.N; ti++) {
    const i = t.topo[ti]!;
    if (i !== s0) {
      L.push('  {', '    let arrival = -Infinity, any = 0;');
      for (let q = t.inStart[i]!; q < t.inStart[i + 1]!; q++) {
        const e = t.inEdge[q]!;
        const p = t.eFrom[e]!;
        const col = t.eAuxCol[e]!;
        L.push(`    if (inv${p} === 1) {`, `      if (rbuf[rpos++] < ${num(t.eProb[e]!)}) {`, `        let edgeStart = en${p};`);
        if (col >= 0)
          L.push(`        if (ar${p} >= 0) { const off = auxVals[ar${p} + ${col}]; if (off === off) edgeStart = st${p} + off; }`);
        L.push(
          `        const z = ${t.eSizeOff[e]!} + ((rbuf[rpos++] * ${t.eSizeLen[e]!}) | 0);`,
          '        const zr = 5 * z;',
          '        cost += zRec[zr + 3];',
          '        carbon += zRec[zr + 4];',
        );
        if (t.eToSync[e] === 1) {
          L.push(
            `        upAt[${t.inStart[i]!} + up${i}] = edgeStart;`,
            `        upGB[${t.inStart[i]!} + up${i}] = sizePool[z];`,
            `        up${i}++;`,
          );
        }
        L.push(
          '        const arr = edgeStart + latPool[zRec[zr] + ((rbuf[rpos++] * zRec[zr + 1]) | 0)] + zRec[zr + 2];',
          '        if (arr > arrival) arrival = arr;',
          '        any = 1;',
          '      } else {',
        );
        for (let x = t.neStart[e]!; x < t.neStart[e + 1]!; x++) {
          const s = t.neSync[x]!;
          L.push(
            `        cost += xCost[${x}];`,
            `        carbon += xCarbon[${x}];`,
            `        { const arr = en${p} + latPool[xLatOff[${x}] + ((rbuf[rpos++] * xLatLen[${x}]) | 0)] + xLatAdd[${x}]; if (arr > sim${s}) sim${s} = arr; }`,
          );
        }
        L.push('      }', '    }');
      }
      L.push(`    inv${i} = any;`, `    if (any === 1) st${i} = arrival > sim${i} ? arrival : sim${i};`, '  }');
    }
    L.push(
      `  if (inv${i} === 1) {`,
      '    let d = 0;',
      `    const len = nProfLen[${i}];`,
      '    if (len > 0) {',
      `      const jr = 3 * (nProfOff[${i}] + ((rbuf[rpos++] * len) | 0));`,
      '      d = durRec[jr];',
      '      const cnt = durRec[jr + 1];',
      '      if (cnt > 0) {',
      '        const kk = durRec[jr + 2] + ((rbuf[rpos++] * cnt) | 0);',
      `        ar${i} = auxRowRef[kk];`,
      '        const during = rowDuring[kk];',
      `        if (during > 0) carbon += during * nDuring[${i}];`,
      '      }',
      '    }',
      `    en${i} = st${i} + d;`,
      `    if (en${i} > runtime) runtime = en${i};`,
      `    cost += nExecUsd[${i}] * d + nInvUsd[${i}];`,
      `    carbon += nCarbonPerS[${i}] * d;`,
    );
    if (t.isSync[i] === 1) {
      const base = t.inStart[i]!;
      // Insertion sort of this node's uploads by time (a handful at most), then cumulative WCU.
      L.push(
        `    const end = ${base} + up${i};`,
        `    for (let a = ${base} + 1; a < end; a++) {`,
        '      const at = upAt[a], gb = upGB[a];',
        '      let b = a - 1;',
        `      while (b >= ${base} && upAt[b] > at) { upAt[b + 1] = upAt[b]; upGB[b + 1] = upGB[b]; b--; }`,
        '      upAt[b + 1] = at;',
        '      upGB[b + 1] = gb;',
        '    }',
        '    let cumulative = 0, wcu = 0;',
        `    for (let a = ${base}; a < end; a++) { cumulative += upGB[a]; wcu += wcuOf(cumulative); }`,
        `    cost += wcu * nDdbW[${i}] + rcuOf(cumulative) * nDdbR[${i}];`,
      );
    }
    L.push('  }');
  }
  L.push('  outCost[k] = cost;', '  outRuntime[k] = runtime;', '  outCarbon[k] = carbon;', '}', 'return rpos;');
  // Generated from numbers and indices only (no input strings), so the source is safe to compile.
  // One function per distinct source: later solves of the same workflow reuse the optimized code
  // instead of warming up a fresh copy (bounded, as a process may meet many workflows).
  const source = L.join('\n');
  let kernel = compiled.get(source);
  if (!kernel) {
    if (compiled.size >= MAX_KERNELS) compiled.delete(compiled.keys().next().value!);
    kernel = new Function('c', 'from', 'to', 'rpos', source) as SampleKernel;
  } else compiled.delete(source);
  compiled.set(source, kernel);
  return kernel;
}

const MAX_KERNELS = 32;
const compiled = new Map<string, SampleKernel>();
