import { useState } from "react";
import type { Run } from "../api/types";
import { renderMarkdown } from "../common/markdown";
import { PanelEditor } from "../panels/PanelEditor";
import { panelTitle } from "../workspace/layout";
import type { Panel } from "../workspace/spec";
import type { Block, Report } from "./api";

/** moveBlock moves block i by delta places. */
export function moveBlock(blocks: Block[], i: number, delta: number): Block[] {
  const j = i + delta;
  if (j < 0 || j >= blocks.length) return blocks;
  const out = [...blocks];
  const [b] = out.splice(i, 1);
  out.splice(j, 0, b);
  return out;
}

/** nextPanelId is an id no panel of the report uses. */
export function nextPanelId(blocks: Block[]): string {
  const used = new Set(blocks.flatMap((b) => (b.panels ?? []).map((p) => p.id)));
  for (let i = 1; ; i++) if (!used.has(`rp${i}`)) return `rp${i}`;
}

/** ReportEditor edits a report's title, mode and blocks; nothing is stored until Save. */
export function ReportEditor(props: { report: Report; runs: Run[]; onSave: (r: Report) => void }) {
  const [r, setR] = useState(props.report);
  const setBlocks = (f: (b: Block[]) => Block[]) =>
    setR((cur) => ({ ...cur, blocks: f(cur.blocks) }));
  const setBlock = (i: number, b: Block) => setBlocks((bs) => bs.map((x, j) => (j === i ? b : x)));
  const keys = [
    ...new Set(
      props.runs.flatMap((run) => Object.keys(run.summary ?? {})).filter((k) => !k.startsWith("_")),
    ),
  ].sort();
  return (
    <div className="report-editor" data-testid="report-editor">
      <div className="row">
        <input
          className="title-input"
          aria-label="Report title"
          value={r.title}
          onChange={(e) => setR({ ...r, title: e.target.value })}
        />
        <select
          aria-label="Report mode"
          value={r.mode}
          onChange={(e) => setR({ ...r, mode: e.target.value as Report["mode"] })}
        >
          <option value="dynamic">Dynamic (live data)</option>
          <option value="static">Static snapshot</option>
        </select>
        <button className="primary" onClick={() => props.onSave(r)}>
          Save report
        </button>
      </div>
      {r.blocks.map((b, i) => (
        <div key={i} className="block-editor card">
          <div className="row block-bar">
            <span className="muted">{b.type === "text" ? "Text" : "Panels"}</span>
            <div className="bar-fill" />
            <button
              className="ghost small"
              aria-label="Move block up"
              onClick={() => setBlocks((bs) => moveBlock(bs, i, -1))}
            >
              ↑
            </button>
            <button
              className="ghost small"
              aria-label="Move block down"
              onClick={() => setBlocks((bs) => moveBlock(bs, i, 1))}
            >
              ↓
            </button>
            <button
              className="ghost small danger"
              aria-label="Delete block"
              onClick={() => setBlocks((bs) => bs.filter((_, j) => j !== i))}
            >
              Delete
            </button>
          </div>
          {b.type === "text" ? (
            <TextBlock block={b} onChange={(nb) => setBlock(i, nb)} />
          ) : (
            <PanelsBlockEditor
              block={b}
              runs={props.runs}
              keys={keys}
              nextId={() => nextPanelId(r.blocks)}
              onChange={(nb) => setBlock(i, nb)}
            />
          )}
        </div>
      ))}
      <div className="row">
        <button onClick={() => setBlocks((bs) => [...bs, { type: "text", markdown: "" }])}>
          + Text
        </button>
        <button
          onClick={() =>
            setBlocks((bs) => [
              ...bs,
              {
                type: "panels",
                name: "Panels",
                runs: { ids: props.runs.map((x) => x.id) },
                panels: [],
              },
            ])
          }
        >
          + Panel section
        </button>
      </div>
    </div>
  );
}

function TextBlock(props: { block: Block; onChange: (b: Block) => void }) {
  return (
    <div className="text-block">
      <textarea
        aria-label="Text block"
        rows={6}
        value={props.block.markdown ?? ""}
        onChange={(e) => props.onChange({ ...props.block, markdown: e.target.value })}
      />
      <div
        className="markdown preview"
        dangerouslySetInnerHTML={{ __html: renderMarkdown(props.block.markdown ?? "") }}
      />
    </div>
  );
}

function PanelsBlockEditor(props: {
  block: Block;
  runs: Run[];
  keys: string[];
  nextId: () => string;
  onChange: (b: Block) => void;
}) {
  const { block } = props;
  const [adding, setAdding] = useState(false);
  const byFilter = block.runs?.filter !== undefined && block.runs.ids === undefined;
  const ids = new Set(block.runs?.ids ?? []);
  const flip = (id: string) => {
    const next = ids.has(id) ? [...ids].filter((x) => x !== id) : [...ids, id];
    props.onChange({ ...block, runs: { ids: next } });
  };
  return (
    <div className="panels-block">
      <label>
        Section title
        <input
          aria-label="Section title"
          value={block.name ?? ""}
          onChange={(e) => props.onChange({ ...block, name: e.target.value })}
        />
      </label>
      <div className="row">
        <label className="check">
          <input
            type="radio"
            checked={!byFilter}
            onChange={() =>
              props.onChange({ ...block, runs: { ids: props.runs.map((r) => r.id) } })
            }
          />{" "}
          Chosen runs
        </label>
        <label className="check">
          <input
            type="radio"
            checked={byFilter}
            onChange={() => props.onChange({ ...block, runs: { filter: "" } })}
          />{" "}
          Runs matching a filter
        </label>
      </div>
      {byFilter ? (
        <input
          aria-label="Section filter"
          placeholder="config.lr < 0.01"
          value={block.runs?.filter ?? ""}
          onChange={(e) => props.onChange({ ...block, runs: { filter: e.target.value } })}
        />
      ) : (
        <div className="column-list runs-pick">
          {props.runs.map((r) => (
            <label key={r.id} className="check">
              <input type="checkbox" checked={ids.has(r.id)} onChange={() => flip(r.id)} />{" "}
              {r.name || r.id}
            </label>
          ))}
        </div>
      )}
      <div className="chips">
        {(block.panels ?? []).map((p) => (
          <span key={p.id} className="chip">
            {panelTitle(p)}
            <button
              className="icon"
              aria-label={`Remove ${panelTitle(p)}`}
              onClick={() =>
                props.onChange({
                  ...block,
                  panels: (block.panels ?? []).filter((x) => x.id !== p.id),
                })
              }
            >
              ×
            </button>
          </span>
        ))}
        <button className="small" onClick={() => setAdding(true)}>
          + Panel
        </button>
      </div>
      {adding ? (
        <PanelEditor
          title="New panel"
          panel={{ id: props.nextId(), kind: "line", keys: [] }}
          keys={props.keys}
          onClose={() => setAdding(false)}
          onSave={(p: Panel) => props.onChange({ ...block, panels: [...(block.panels ?? []), p] })}
        />
      ) : null}
    </div>
  );
}
