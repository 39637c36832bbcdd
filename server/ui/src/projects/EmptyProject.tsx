/** EmptyProject shows how to log a first metric to a project without runs. */
export function EmptyProject({ project }: { project: string }) {
  const origin = window.location.origin;
  const py = `import sextant

run = sextant.init(project="${project}", config={"lr": 0.001})
for step in range(1000):
    run.log({"train/loss": 1 / (step + 1), "val/acc": step / 1000})
run.finish()`;
  const curl = `# create a run, then log rows to it
curl -s -X POST ${origin}/api/v1/projects/${project}/runs \\
  -H "Authorization: Bearer $SEXTANT_API_KEY" \\
  -d '{"id": "first-run", "config": {"lr": 0.001}}'
curl -s -X POST ${origin}/api/v1/projects/${project}/runs/first-run/history \\
  -H "Authorization: Bearer $SEXTANT_API_KEY" \\
  -d '{"rows": [{"_step": 0, "train/loss": 0.9}, {"_step": 1, "train/loss": 0.7}]}'`;
  return (
    <div className="empty-project" data-testid="empty-project">
      <h2>Log your first metric</h2>
      <p className="muted">
        This project has no runs yet. Point a training script at this server: set{" "}
        <code>SEXTANT_URL={origin}</code> and <code>SEXTANT_API_KEY</code>, then:
      </p>
      <h3>Python</h3>
      <pre>{py}</pre>
      <h3>curl</h3>
      <pre>{curl}</pre>
      <p className="muted">
        Metric names with a prefix (<code>train/loss</code>) land in a section of that name. Or fill
        a project with example runs: <code>sextant demo</code>.
      </p>
    </div>
  );
}
