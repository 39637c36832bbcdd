// Run colors: a palette of 20 hues that stay apart on white, picked by a
// hash of the run id so that a run keeps its color whatever is filtered.

/** palette is the run color palette. */
export const palette: readonly string[] = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#59a14f",
  "#b07aa1",
  "#edc948",
  "#76b7b2",
  "#ff9da7",
  "#9c755f",
  "#3b5bdb",
  "#d6336c",
  "#2b8a3e",
  "#e8590c",
  "#7048e8",
  "#0c8599",
  "#a61e4d",
  "#5c940d",
  "#1971c2",
  "#c2255c",
  "#495057",
];

/** hashString is a small stable string hash (FNV-1a, 32 bits). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** runColor is run id's color: the chosen one, else its palette color. */
export function runColor(id: string, chosen?: Record<string, string>): string {
  return chosen?.[id] ?? palette[hashString(id) % palette.length];
}

/** withAlpha turns "#rrggbb" into an rgba() color of opacity a. */
export function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1, 7), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}
