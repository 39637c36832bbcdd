import { dismiss, useNotes } from "./notify";

/** Toasts shows the current notes in the top right corner. */
export function Toasts() {
  const notes = useNotes();
  return (
    <div className="toasts" role="status">
      {notes.map((n) => (
        <div key={n.id} className={`toast toast-${n.kind}`} data-testid={`toast-${n.kind}`}>
          <span>{n.text}</span>
          <button className="icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
