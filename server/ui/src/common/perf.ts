// Figures the browser benchmark (bench/workspace.mjs) and the end-to-end
// tests read from window.__sextant: when charts drew, and how long a zoom
// took from the server's answer to the redrawn chart.

/** PerfLog is what the page records about its charts. */
export interface PerfLog {
  /** performance.now() of each chart's draw with new data. */
  draws: number[];
  /** performance.now() of each panel's first draw, by panel id. */
  firstDraw: Record<string, number>;
  /** Milliseconds from a zoom's answer to its redraw, one per zoom. */
  zooms: number[];
  /** Chart requests in flight. */
  pending: number;
}

declare global {
  interface Window {
    __sextant?: PerfLog;
  }
}

/** perf returns the page's log, creating it on first use. */
export function perf(): PerfLog {
  window.__sextant ??= { draws: [], firstDraw: {}, zooms: [], pending: 0 };
  return window.__sextant;
}
