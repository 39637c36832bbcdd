import { useState, type ReactNode } from "react";
import { download, type Export } from "../api/exports";
import { notifyError } from "./notify";

export interface DownloadButtonProps {
  /** What to save, computed at the click so that it follows the page's state. */
  file: () => Export;
  /** Class of the button, as the buttons beside it have. */
  className?: string;
  /** Accessible name, when the words on the button are shortened. */
  label?: string;
  /** Tooltip. */
  title?: string;
  /** Words on the button. */
  children: ReactNode;
}

/**
 * DownloadButton saves an export of the API as a file; while it loads the
 * button is disabled, and a failure is shown in the server's words.
 */
export function DownloadButton(props: DownloadButtonProps) {
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const file = props.file();
    setBusy(true);
    try {
      await download(file);
    } catch (err) {
      notifyError(err, `Download ${file.filename}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      className={props.className}
      aria-label={props.label}
      title={props.title}
      disabled={busy}
      onClick={() => void save()}
    >
      {props.children}
    </button>
  );
}
