import {
  closestCenter,
  DndContext,
  PointerSensor,
  KeyboardSensor,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
} from "@dnd-kit/core";
import {
  rectSortingStrategy,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { memo, useState } from "react";
import { PanelBody, type PanelBodyProps } from "../panels/PanelBody";
import { PanelEditor } from "../panels/PanelEditor";
import {
  addPanel,
  addSection,
  deletePanel,
  deleteSection,
  findPanel,
  moveSection,
  movePanel,
  panelTitle,
  renameSection,
  toggleSection,
  updatePanel,
} from "./layout";
import type { Panel, Section, Spec } from "./spec";

/** SectionsProps is what the panel area draws from. */
export interface SectionsProps extends Omit<PanelBodyProps, "panel"> {
  spec: Spec;
  /** Metric keys of the project, for the panel editor. */
  keys: string[];
  /** Changes the spec; undefined makes the sections read-only. */
  update?: (f: (s: Spec) => Spec) => void;
}

const sectionDrop = (id: string) => `section:${id}`;

/** Prefer the panel under the pointer, then the section under it, then the nearest. */
const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const panels = hits.filter((h) => !String(h.id).startsWith("section:"));
  if (panels.length > 0) return panels;
  if (hits.length > 0) return hits;
  return closestCenter(args);
};

/** Sections draws the workspace's sections of panels, with drag and drop between them. */
export function Sections(props: SectionsProps) {
  const { spec, update } = props;
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const [newSection, setNewSection] = useState("");
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!update || over === null || active.id === over.id) return;
    const id = String(active.id);
    const target = String(over.id);
    update((s) => {
      if (target.startsWith("section:")) {
        const sec = s.sections.find((x) => sectionDrop(x.id) === target);
        return sec ? movePanel(s, id, sec.id, sec.panels.length) : s;
      }
      const to = findPanel(s, target);
      return to ? movePanel(s, id, to.section, to.index) : s;
    });
  };
  return (
    <DndContext sensors={sensors} collisionDetection={collisions} onDragEnd={onDragEnd}>
      {spec.sections.map((sec, i) => (
        <SectionView
          key={sec.id}
          section={sec}
          first={i === 0}
          last={i === spec.sections.length - 1}
          {...props}
        />
      ))}
      {update ? (
        <form
          className="add-section"
          onSubmit={(e) => {
            e.preventDefault();
            if (newSection.trim() === "") return;
            update((s) => addSection(s, newSection.trim()));
            setNewSection("");
          }}
        >
          <input
            aria-label="New section name"
            placeholder="New section name"
            value={newSection}
            onChange={(e) => setNewSection(e.target.value)}
          />
          <button type="submit" disabled={newSection.trim() === ""}>
            Add section
          </button>
        </form>
      ) : null}
    </DndContext>
  );
}

function SectionView(props: SectionsProps & { section: Section; first: boolean; last: boolean }) {
  const { section: sec, update } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(sec.name);
  const [adding, setAdding] = useState(false);
  const { setNodeRef, isOver } = useDroppable({ id: sectionDrop(sec.id) });
  const rename = () => {
    setRenaming(false);
    if (update && name.trim() !== "" && name !== sec.name)
      update((s) => renameSection(s, sec.id, name.trim()));
  };
  return (
    <section
      className={`ws-section${isOver ? " drop-over" : ""}`}
      data-testid={`section-${sec.name}`}
      ref={setNodeRef}
    >
      <div className="section-head">
        <button
          className="icon"
          aria-label={sec.collapsed ? `Open ${sec.name}` : `Collapse ${sec.name}`}
          onClick={() => update?.((s) => toggleSection(s, sec.id))}
        >
          {sec.collapsed ? "▸" : "▾"}
        </button>
        {renaming ? (
          <input
            autoFocus
            aria-label="Section name"
            className="section-name-input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onBlur={rename}
            onKeyDown={(e) => {
              if (e.key === "Enter") rename();
              if (e.key === "Escape") setRenaming(false);
            }}
          />
        ) : (
          <h3 className="section-name" onDoubleClick={() => update && setRenaming(true)}>
            {sec.name}
          </h3>
        )}
        <span className="muted count">{sec.panels.length}</span>
        {update ? (
          <div className="section-actions">
            <button className="ghost small" onClick={() => setAdding(true)}>
              + Panel
            </button>
            <button
              className="ghost small"
              aria-label={`Rename ${sec.name}`}
              onClick={() => setRenaming(true)}
            >
              Rename
            </button>
            <button
              className="ghost small"
              aria-label={`Move ${sec.name} up`}
              disabled={props.first}
              onClick={() => update((s) => moveSection(s, sec.id, -1))}
            >
              ↑
            </button>
            <button
              className="ghost small"
              aria-label={`Move ${sec.name} down`}
              disabled={props.last}
              onClick={() => update((s) => moveSection(s, sec.id, 1))}
            >
              ↓
            </button>
            <button
              className="ghost small danger"
              aria-label={`Delete ${sec.name}`}
              onClick={() => {
                if (
                  window.confirm(
                    `Delete section "${sec.name}" and its ${sec.panels.length} panels?`,
                  )
                )
                  update((s) => deleteSection(s, sec.id));
              }}
            >
              Delete
            </button>
          </div>
        ) : null}
      </div>
      {sec.collapsed ? null : (
        <SortableContext items={sec.panels.map((p) => p.id)} strategy={rectSortingStrategy}>
          <div className="panel-grid">
            {sec.panels.map((p) => (
              <PanelFrame
                key={p.id}
                panel={p}
                runs={props.runs}
                table={props.table}
                source={props.source}
                version={props.version}
                keys={props.keys}
                update={props.update}
              />
            ))}
            {sec.panels.length === 0 ? (
              <div className="panel-drop-hint muted">Drop panels here</div>
            ) : null}
          </div>
        </SortableContext>
      )}
      {adding && update ? (
        <PanelEditor
          title={`New panel in ${sec.name}`}
          panel={{ id: "new", kind: "line", keys: [] }}
          keys={props.keys}
          onClose={() => setAdding(false)}
          onSave={(p) => {
            const { id: _drop, ...rest } = p;
            void _drop;
            update((s) => addPanel(s, sec.id, rest));
          }}
        />
      ) : null}
    </section>
  );
}

type PanelFrameProps = Omit<SectionsProps, "spec"> & { panel: Panel };

/** PanelFrame is a panel with its title bar; it redraws only when its own props change. */
const PanelFrame = memo(function PanelFrame(props: PanelFrameProps) {
  const { panel, update } = props;
  const [editing, setEditing] = useState(false);
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    transform,
    transition,
    isDragging,
  } = useSortable({ id: panel.id });
  const style = {
    transform: CSS.Translate.toString(transform),
    transition,
    zIndex: isDragging ? 5 : undefined,
    opacity: isDragging ? 0.85 : 1,
  };
  const title = panelTitle(panel);
  return (
    <div
      className={`panel panel-${panel.kind}`}
      ref={setNodeRef}
      style={style}
      data-testid={`panel-${panel.id}`}
      data-title={title}
    >
      <div className="panel-head">
        {update ? (
          <button
            className="drag-handle"
            ref={setActivatorNodeRef}
            {...attributes}
            {...listeners}
            aria-label={`Drag ${title}`}
          >
            ⠿
          </button>
        ) : null}
        <span className="panel-title" title={title}>
          {title}
        </span>
        {update ? (
          <span className="panel-actions">
            <button className="icon" aria-label={`Edit ${title}`} onClick={() => setEditing(true)}>
              ✎
            </button>
            <button
              className="icon"
              aria-label={`Delete ${title}`}
              onClick={() => update((s) => deletePanel(s, panel.id))}
            >
              ×
            </button>
          </span>
        ) : null}
      </div>
      <PanelBody {...props} panel={panel} />
      {editing && update ? (
        <PanelEditor
          title={`Edit ${title}`}
          panel={panel}
          keys={props.keys}
          onClose={() => setEditing(false)}
          onSave={(p) => update((s) => updatePanel(s, panel.id, () => p))}
        />
      ) : null}
    </div>
  );
});
