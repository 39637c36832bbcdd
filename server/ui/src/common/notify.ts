import { useSyncExternalStore } from "react";
import { errorMessage } from "../api/client";

// Messages for the user: every error the server sends ends up here, in its
// own words, never swallowed.

/** Note is one message shown in the corner. */
export interface Note {
  id: number;
  kind: "error" | "info";
  text: string;
}

let notes: Note[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  listeners.forEach((f) => f());
}

/** notify shows text for a while; errors stay until dismissed or 12 s pass. */
export function notify(text: string, kind: Note["kind"] = "info"): void {
  const note = { id: nextId++, kind, text };
  notes = [...notes, note].slice(-5);
  emit();
  window.setTimeout(() => dismiss(note.id), kind === "error" ? 12000 : 4000);
}

/** notifyError shows what went wrong, in the server's words when it answered. */
export function notifyError(err: unknown, context = ""): void {
  if (err instanceof DOMException && err.name === "AbortError") return;
  const msg = errorMessage(err);
  notify(context ? `${context}: ${msg}` : msg, "error");
}

/** dismiss removes note id. */
export function dismiss(id: number): void {
  notes = notes.filter((n) => n.id !== id);
  emit();
}

/** useNotes returns the notes on show. */
export function useNotes(): Note[] {
  return useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    () => notes,
  );
}
