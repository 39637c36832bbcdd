import { useState } from "react";
import { Modal } from "../common/Modal";
import type { Panel, PanelKind, Smoothing } from "../workspace/spec";
import { cleanPanel } from "./clean";

/** PanelEditor edits a panel's kind, keys and options; save gets the cleaned panel. */
export function PanelEditor(props: {
  title: string;
  panel: Panel;
  /** Metric keys to choose from. */
  keys: string[];
  onSave: (p: Panel) => void;
  onClose: () => void;
}) {
  const [p, setP] = useState<Panel>(props.panel);
  const [query, setQuery] = useState("");
  const set = (patch: Partial<Panel>) => setP((cur) => ({ ...cur, ...patch }));
  const chosen = new Set(p.keys ?? []);
  const flip = (k: string) =>
    set({ keys: chosen.has(k) ? (p.keys ?? []).filter((x) => x !== k) : [...(p.keys ?? []), k] });
  const shownKeys = props.keys.filter((k) => k.toLowerCase().includes(query.toLowerCase()));
  const line = p.kind === "line";
  const setSmoothing = (type: string) =>
    set({
      smoothing:
        type === ""
          ? undefined
          : {
              type: type as Smoothing["type"],
              ...(type === "ema" || type === "time_ema"
                ? { weight: p.smoothing?.weight ?? 0.6 }
                : { window: p.smoothing?.window ?? 10 }),
            },
    });
  return (
    <Modal title={props.title} onClose={props.onClose} wide>
      <div className="editor">
        <div className="editor-col">
          <label>
            Kind
            <select
              aria-label="Panel kind"
              value={p.kind}
              onChange={(e) => set({ kind: e.target.value as PanelKind })}
            >
              <option value="line">Line plot</option>
              <option value="scalar">Scalar</option>
              <option value="bar">Bar chart</option>
              <option value="table">Table</option>
              <option value="markdown">Markdown</option>
            </select>
          </label>
          <label>
            Title
            <input
              aria-label="Panel title"
              value={p.title ?? ""}
              placeholder="(the keys)"
              onChange={(e) => set({ title: e.target.value })}
            />
          </label>
          {line ? (
            <>
              <label>
                X-axis
                <select
                  aria-label="X-axis"
                  value={p.x ?? "_step"}
                  onChange={(e) => set({ x: e.target.value })}
                >
                  <option value="_step">Step</option>
                  <option value="_runtime">Relative time</option>
                  <option value="_timestamp">Wall time</option>
                  {props.keys.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Smoothing
                <select
                  aria-label="Smoothing"
                  value={p.smoothing?.type ?? ""}
                  onChange={(e) => setSmoothing(e.target.value)}
                >
                  <option value="">None</option>
                  <option value="ema">Exponential moving average</option>
                  <option value="time_ema">Time-weighted EMA</option>
                  <option value="mean">Running mean</option>
                  <option value="gaussian">Gaussian</option>
                </select>
              </label>
              {p.smoothing && (p.smoothing.type === "ema" || p.smoothing.type === "time_ema") ? (
                <label>
                  Weight {p.smoothing.weight?.toFixed(2)}
                  <input
                    aria-label="Smoothing weight"
                    type="range"
                    min={0}
                    max={0.99}
                    step={0.01}
                    value={p.smoothing.weight ?? 0}
                    onChange={(e) =>
                      set({
                        smoothing: {
                          type: p.smoothing?.type ?? "ema",
                          weight: Number(e.target.value),
                        },
                      })
                    }
                  />
                </label>
              ) : null}
              {p.smoothing && (p.smoothing.type === "mean" || p.smoothing.type === "gaussian") ? (
                <label>
                  Window (points)
                  <input
                    aria-label="Smoothing window"
                    type="number"
                    min={1}
                    value={p.smoothing.window ?? 1}
                    onChange={(e) =>
                      set({
                        smoothing: {
                          type: p.smoothing?.type ?? "mean",
                          window: Math.max(1, Number(e.target.value)),
                        },
                      })
                    }
                  />
                </label>
              ) : null}
              <label>
                Group runs by
                <select
                  aria-label="Group lines by"
                  value={p.grouping?.by ?? ""}
                  onChange={(e) =>
                    set({
                      grouping:
                        e.target.value === "" ? undefined : { ...p.grouping, by: e.target.value },
                    })
                  }
                >
                  <option value="">No grouping</option>
                  <option value="group">Group</option>
                  <option value="job_type">Job type</option>
                  <option value="tags">Tags</option>
                </select>
              </label>
              {p.grouping ? (
                <div className="row">
                  <select
                    aria-label="Group line"
                    value={p.grouping.agg ?? "mean"}
                    onChange={(e) =>
                      set({
                        grouping: {
                          ...p.grouping,
                          by: p.grouping?.by ?? "group",
                          agg: e.target.value as "mean" | "median",
                        },
                      })
                    }
                  >
                    <option value="mean">Mean</option>
                    <option value="median">Median</option>
                  </select>
                  <select
                    aria-label="Group band"
                    value={p.grouping.band ?? "minmax"}
                    onChange={(e) =>
                      set({
                        grouping: {
                          ...p.grouping,
                          by: p.grouping?.by ?? "group",
                          band: e.target.value as "minmax" | "stddev" | "none",
                        },
                      })
                    }
                  >
                    <option value="minmax">Min–max band</option>
                    <option value="stddev">Std. dev. band</option>
                    <option value="none">No band</option>
                  </select>
                </div>
              ) : null}
              <div className="row" role="group" aria-label="X range">
                <label>
                  X from
                  <input
                    aria-label="X from"
                    type="number"
                    placeholder="start"
                    value={p.x_min ?? ""}
                    onChange={(e) => set({ x_min: numberOrNone(e.target.value) })}
                  />
                </label>
                <label>
                  to
                  <input
                    aria-label="X to"
                    type="number"
                    placeholder="end"
                    value={p.x_max ?? ""}
                    onChange={(e) => set({ x_max: numberOrNone(e.target.value) })}
                  />
                </label>
              </div>
              {rangeProblem(p) ? (
                <p className="error-text" role="alert">
                  {rangeProblem(p)}
                </p>
              ) : null}
              <label className="check">
                <input
                  type="checkbox"
                  checked={p.log_x ?? false}
                  onChange={(e) => set({ log_x: e.target.checked })}
                />{" "}
                Log x
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  aria-label="Log y"
                  checked={p.log_y ?? false}
                  onChange={(e) => set({ log_y: e.target.checked })}
                />{" "}
                Log y
              </label>
            </>
          ) : null}
          {p.kind === "scalar" || p.kind === "bar" ? (
            <label>
              Statistic
              <select
                value={p.summary ?? "last"}
                onChange={(e) => set({ summary: e.target.value as "last" | "min" | "max" })}
              >
                <option value="last">Last</option>
                <option value="min">Min</option>
                <option value="max">Max</option>
              </select>
            </label>
          ) : null}
        </div>
        <div className="editor-col">
          {p.kind === "markdown" ? (
            <label>
              Text (Markdown)
              <textarea
                aria-label="Markdown text"
                rows={12}
                value={p.text ?? ""}
                onChange={(e) => set({ text: e.target.value })}
              />
            </label>
          ) : (
            <>
              <label>
                Metrics
                <input
                  placeholder="Search metrics"
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                />
              </label>
              <div className="column-list">
                {shownKeys.map((k) => (
                  <label key={k} className="check">
                    <input
                      type="checkbox"
                      aria-label={`Metric ${k}`}
                      checked={chosen.has(k)}
                      onChange={() => flip(k)}
                    />{" "}
                    {k}
                  </label>
                ))}
              </div>
            </>
          )}
        </div>
      </div>
      <div className="modal-foot">
        <button onClick={props.onClose}>Cancel</button>
        <button
          className="primary"
          disabled={rangeProblem(p) !== undefined}
          onClick={() => {
            props.onSave(cleanPanel(p));
            props.onClose();
          }}
        >
          Save panel
        </button>
      </div>
    </Modal>
  );
}

/** numberOrNone reads a number input: empty (or not a number) is no value. */
function numberOrNone(text: string): number | undefined {
  const v = Number(text);
  return text.trim() === "" || !Number.isFinite(v) ? undefined : v;
}

/**
 * rangeProblem says what is wrong with a line panel's fixed x range, which
 * the chart shows instead of the whole range when both ends are set.
 */
function rangeProblem(p: Panel): string | undefined {
  if ((p.x_min === undefined) !== (p.x_max === undefined))
    return "Set both ends of the x range, or neither for the whole range.";
  if (p.x_min !== undefined && p.x_max !== undefined && p.x_min >= p.x_max)
    return "The x range must end after it starts.";
  return undefined;
}
