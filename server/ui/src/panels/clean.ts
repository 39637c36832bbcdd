import type { Panel } from "../workspace/spec";

/**
 * cleanPanel keeps only the options that p's kind reads, since the server
 * refuses a panel with an option its kind ignores (a smoothing on a bar
 * chart): switching a panel's kind in the editor goes through here.
 */
export function cleanPanel(p: Panel): Panel {
  const base: Panel = { id: p.id, kind: p.kind };
  if (p.title) base.title = p.title;
  switch (p.kind) {
    case "line":
      return {
        ...base,
        keys: p.keys ?? [],
        ...(p.x && p.x !== "_step" ? { x: p.x } : {}),
        ...(p.x_min !== undefined && p.x_max !== undefined
          ? { x_min: p.x_min, x_max: p.x_max }
          : {}),
        ...(p.smoothing ? { smoothing: p.smoothing } : {}),
        ...(p.grouping ? { grouping: p.grouping } : {}),
        ...(p.log_x ? { log_x: true } : {}),
        ...(p.log_y ? { log_y: true } : {}),
      };
    case "scalar":
      return {
        ...base,
        keys: (p.keys ?? []).slice(0, 1),
        ...(p.summary && p.summary !== "last" ? { summary: p.summary } : {}),
      };
    case "bar":
      return {
        ...base,
        keys: p.keys ?? [],
        ...(p.summary && p.summary !== "last" ? { summary: p.summary } : {}),
      };
    case "table":
      return { ...base, keys: p.keys ?? [] };
    case "markdown":
      return { ...base, text: p.text ?? "" };
  }
}
