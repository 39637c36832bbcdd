import type { Smoothing } from "../../workspace/spec";

// Smoothing of a drawn line. It runs over the points the chart holds (the
// server's M4 extremes at the panel's width, or every point once zoomed
// in), as TensorBoard smooths what it draws. The original line stays
// behind the smoothed one, faint.

type Ys = readonly (number | null)[];

/** smooth returns y smoothed by s; nulls stay nulls and are skipped. */
export function smooth(x: Float64Array, y: Ys, s: Smoothing): (number | null)[] {
  switch (s.type) {
    case "ema":
      return ema(y, s.weight ?? 0);
    case "time_ema":
      return timeEma(x, y, s.weight ?? 0);
    case "mean":
      return windowed(y, s.window ?? 1, () => 1);
    case "gaussian": {
      const w = Math.max(1, s.window ?? 1);
      const sigma = w / 4;
      return windowed(y, w, (d) => Math.exp(-(d * d) / (2 * sigma * sigma)));
    }
  }
}

/**
 * ema is the debiased exponential moving average: the first values are
 * divided by 1 - weight^n so that the line does not start at zero.
 */
export function ema(y: Ys, weight: number): (number | null)[] {
  let acc = 0;
  let n = 0;
  return y.map((v) => {
    if (v === null) return null;
    acc = acc * weight + (1 - weight) * v;
    n++;
    return acc / (1 - weight ** n);
  });
}

/**
 * timeEma weighs each step by its x distance, so that unevenly logged
 * points smooth as evenly logged ones would: a gap of k median steps
 * decays the average as k steps would.
 */
export function timeEma(x: Float64Array, y: Ys, weight: number): (number | null)[] {
  const step = medianGap(x, y);
  let acc = 0;
  let norm = 0;
  let prevX = NaN;
  return y.map((v, i) => {
    if (v === null) return null;
    const k = Number.isNaN(prevX) || step === 0 ? 1 : (x[i] - prevX) / step;
    const w = weight ** k;
    acc = acc * w + (1 - w) * v;
    norm = norm * w + (1 - w);
    prevX = x[i];
    return norm === 0 ? v : acc / norm;
  });
}

function medianGap(x: Float64Array, y: Ys): number {
  const gaps: number[] = [];
  let prev = NaN;
  y.forEach((v, i) => {
    if (v === null) return;
    if (!Number.isNaN(prev)) gaps.push(x[i] - prev);
    prev = x[i];
  });
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1];
}

/** windowed averages each point with its neighbours, weighted by kernel(distance). */
function windowed(y: Ys, window: number, kernel: (d: number) => number): (number | null)[] {
  const idx: number[] = [];
  y.forEach((v, i) => {
    if (v !== null) idx.push(i);
  });
  const half = Math.floor(Math.max(1, window) / 2);
  const out: (number | null)[] = new Array<number | null>(y.length).fill(null);
  idx.forEach((i, k) => {
    let sum = 0;
    let wsum = 0;
    for (let j = Math.max(0, k - half); j <= Math.min(idx.length - 1, k + half); j++) {
      const w = kernel(j - k);
      sum += w * (y[idx[j]] as number);
      wsum += w;
    }
    out[i] = sum / wsum;
  });
  return out;
}
