import { useMemo } from "react";
import type { ChartSource } from "../api/client";
import type { Run } from "../api/types";
import { renderMarkdown } from "../common/markdown";
import { PanelBody } from "../panels/PanelBody";
import { panelTitle } from "../workspace/layout";
import type { Block, Report } from "./api";
export { stubRun } from "./api";

/** blockRunIds is the runs a panels block draws: its snapshot's, else its ids. */
export function blockRunIds(b: Block, all: readonly Run[]): string[] {
  if (b.snapshot) return b.snapshot.runs;
  if (b.runs?.ids) return b.runs.ids;
  return all.map((r) => r.id);
}

/**
 * blockSource is where block i draws from: a report's charts (in the
 * project or through a share link) name their block; a plain project's
 * do not.
 */
function blockSource(src: ChartSource, i: number): ChartSource {
  return "token" in src || "report" in src ? { ...src, block: i } : src;
}

/**
 * ReportView draws a report: Markdown blocks, and panels blocks each over
 * its own runs. runsFor gives the runs a block's run set selects.
 */
export function ReportView(props: {
  report: Report;
  source: ChartSource;
  runsFor: (b: Block, index: number) => Run[];
}) {
  const { report } = props;
  return (
    <article className="report" data-testid="report-view">
      <h1 className="report-title">{report.title}</h1>
      <p className="muted">
        {report.mode === "static" ? "Static snapshot" : "Dynamic: live data"}
        {report.created_by ? ` · by ${report.created_by}` : ""}
      </p>
      {report.blocks.map((b, i) =>
        b.type === "text" ? (
          <div
            key={i}
            className="markdown report-text"
            dangerouslySetInnerHTML={{ __html: renderMarkdown(b.markdown ?? "") }}
          />
        ) : (
          <PanelsBlock
            key={i}
            block={b}
            runs={props.runsFor(b, i)}
            source={blockSource(props.source, i)}
          />
        ),
      )}
    </article>
  );
}

function PanelsBlock(props: { block: Block; runs: Run[]; source: ChartSource }) {
  const { block, runs } = props;
  const version = useMemo(() => String(runs.length), [runs]);
  return (
    <section className="ws-section report-section">
      <div className="section-head">
        <h3 className="section-name">{block.name || "Panels"}</h3>
        <span className="muted count">
          {runs.length} runs{block.runs?.filter ? ` · ${block.runs.filter}` : ""}
        </span>
      </div>
      <div className="panel-grid">
        {(block.panels ?? []).map((p) => (
          <div key={p.id} className={`panel panel-${p.kind}`} data-testid={`panel-${p.id}`}>
            <div className="panel-head">
              <span className="panel-title">{panelTitle(p)}</span>
            </div>
            <PanelBody panel={p} runs={runs} table={{}} source={props.source} version={version} />
          </div>
        ))}
      </div>
    </section>
  );
}
