import { useState, type FormEvent } from "react";
import { listProjects, request } from "../api/client";
import { Header } from "../common/Header";
import { Link } from "../common/Link";
import { notifyError } from "../common/notify";
import { useAsync } from "../common/useAsync";
import { navigate, paths } from "../router";

/** ProjectsPage lists the projects the user sees and creates new ones. */
export function ProjectsPage() {
  const projects = useAsync(() => listProjects(), []);
  const [name, setName] = useState("");
  const [team, setTeam] = useState("");
  const [visibility, setVisibility] = useState("private");
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body: Record<string, string> = { name: name.trim(), visibility };
      if (team.trim() !== "") body.team = team.trim();
      await request("POST", "/projects", body);
      navigate(paths.workspace(name.trim()));
    } catch (err) {
      notifyError(err, "Create project");
    }
  };
  const list = projects.value ?? [];
  return (
    <div className="page">
      <Header />
      <main className="narrow">
        <h1>Projects</h1>
        {projects.error ? <p className="error-text">{projects.error}</p> : null}
        {projects.loading && list.length === 0 ? <p className="muted">Loading…</p> : null}
        {!projects.loading && list.length === 0 && !projects.error ? (
          <p className="muted">
            No projects yet: create one below, or run <code>sextant demo</code>.
          </p>
        ) : null}
        <ul className="project-list">
          {list.map((p) => (
            <li key={p.name}>
              <Link href={paths.workspace(p.name)}>{p.name}</Link>
              <span className="muted">
                {p.team ? `team ${p.team}` : p.owner ? `by ${p.owner}` : ""}
                {p.visibility ? ` · ${p.visibility}` : ""}
              </span>
            </li>
          ))}
        </ul>
        <form className="card inline-form" onSubmit={create}>
          <h2>New project</h2>
          <input
            aria-label="Project name"
            placeholder="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <input
            aria-label="Team"
            placeholder="team (optional)"
            value={team}
            onChange={(e) => setTeam(e.target.value)}
          />
          <select
            aria-label="Visibility"
            value={visibility}
            onChange={(e) => setVisibility(e.target.value)}
          >
            <option value="private">private</option>
            <option value="public">public</option>
          </select>
          <button className="primary" type="submit" disabled={name.trim() === ""}>
            Create project
          </button>
        </form>
      </main>
    </div>
  );
}
