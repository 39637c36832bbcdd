import { useState } from "react";
import { Modal } from "../common/Modal";
import { columnLabel } from "./columns";

/** ColumnPicker chooses which columns the runs table shows, in order. */
export function ColumnPicker(props: {
  all: string[];
  chosen: string[];
  onChange: (cols: string[]) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const chosen = new Set(props.chosen);
  const shown = props.all.filter((c) => c.toLowerCase().includes(query.toLowerCase()));
  const flip = (c: string) =>
    props.onChange(chosen.has(c) ? props.chosen.filter((x) => x !== c) : [...props.chosen, c]);
  return (
    <Modal title="Columns" onClose={props.onClose}>
      <input
        autoFocus
        placeholder="Search columns"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="column-list">
        {shown.map((c) => (
          <label key={c} className="check">
            <input type="checkbox" checked={chosen.has(c)} onChange={() => flip(c)} />
            <span className="muted">{c.split(".")[0] === c ? "run" : c.split(".")[0]}</span>{" "}
            {columnLabel(c)}
          </label>
        ))}
      </div>
    </Modal>
  );
}
