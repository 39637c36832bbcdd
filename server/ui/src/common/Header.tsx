import type { ReactNode } from "react";
import { setApiKey } from "../api/client";
import { navigate, paths } from "../router";
import { Link } from "./Link";

/** Header is the top bar: the logo, where we are, the project's tabs. */
export function Header(props: {
  project?: string;
  tab?: "workspace" | "reports";
  children?: ReactNode;
}) {
  const { project, tab } = props;
  const signOut = () => {
    setApiKey("");
    navigate(paths.signin());
  };
  return (
    <header className="topbar">
      <Link className="logo" href={paths.projects()}>
        <span className="logo-mark" aria-hidden="true" />
        Sextant
      </Link>
      {project === undefined ? null : (
        <>
          <span className="crumb-sep">/</span>
          <Link className="crumb" href={paths.workspace(project)}>
            {project}
          </Link>
          <nav className="tabs">
            <Link
              className={tab === "workspace" ? "tab active" : "tab"}
              href={paths.workspace(project)}
            >
              Workspace
            </Link>
            <Link
              className={tab === "reports" ? "tab active" : "tab"}
              href={paths.reports(project)}
            >
              Reports
            </Link>
          </nav>
        </>
      )}
      <div className="topbar-fill">{props.children}</div>
      <button className="ghost" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}
