import type { ChartSource } from "../api/client";
import type { Run } from "../api/types";
import type { Panel, RunTableState } from "../workspace/spec";
import { LinePlot } from "./line/LinePlot";
import { BarPanel, MarkdownPanel, ScalarPanel, TablePanel } from "./simple/SummaryPanels";

/** PanelBodyProps is what every panel kind is drawn from. */
export interface PanelBodyProps {
  panel: Panel;
  /** Runs to draw, in table order, hidden ones left out. */
  runs: Run[];
  table: RunTableState;
  source: ChartSource;
  version: string;
}

/** PanelBody draws a panel by its kind. */
export function PanelBody(props: PanelBodyProps) {
  switch (props.panel.kind) {
    case "line":
      return <LinePlot {...props} height={220} />;
    case "scalar":
      return <ScalarPanel {...props} />;
    case "bar":
      return <BarPanel {...props} />;
    case "table":
      return <TablePanel {...props} />;
    case "markdown":
      return <MarkdownPanel panel={props.panel} />;
  }
}
