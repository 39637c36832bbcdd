import type { Run } from "../api/types";
import { isVisible } from "../workspace/layout";
import type { Spec } from "../workspace/spec";
import type { ReportInput } from "./api";

/**
 * reportFromWorkspace starts a report from a workspace: a text block, then
 * one panels block per open section with panels, each drawing the runs
 * visible in the workspace now (by id, so the report keeps showing them
 * whatever the workspace does next).
 */
export function reportFromWorkspace(title: string, spec: Spec, runs: readonly Run[]): ReportInput {
  const ids = runs.filter((r) => isVisible(spec.runs, r.id)).map((r) => r.id);
  const sections = spec.sections.filter((s) => s.panels.length > 0 && !s.collapsed);
  return {
    title,
    mode: "dynamic",
    blocks: [
      { type: "text", markdown: `Made from the workspace, ${ids.length} runs.` },
      ...sections.map((s) => ({
        type: "panels" as const,
        name: s.name,
        runs: { ids },
        panels: s.panels,
      })),
    ],
  };
}
