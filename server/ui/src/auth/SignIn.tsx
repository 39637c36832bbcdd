import { useState, type FormEvent } from "react";
import { errorMessage, request, setApiKey } from "../api/client";
import { navigate, paths } from "../router";

/** SignIn asks for an API key, checks it against the server and keeps it. */
export function SignIn() {
  const [key, setKey] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    setApiKey(key.trim());
    try {
      await request("GET", "/projects");
      navigate(paths.projects(), true);
    } catch (err) {
      setApiKey("");
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="center-page">
      <form className="card signin" onSubmit={submit}>
        <div className="logo big">
          <span className="logo-mark" aria-hidden="true" />
          Sextant
        </div>
        <p className="muted">
          Sign in with your API key. The server printed the admin key on its first start (or see{" "}
          <code>DATA/admin.key</code>).
        </p>
        <label>
          API key
          <input
            name="api_key"
            type="password"
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="paste your key"
          />
        </label>
        {error ? <p className="error-text">{error}</p> : null}
        <button className="primary" type="submit" disabled={busy || key.trim() === ""}>
          Sign in
        </button>
      </form>
    </div>
  );
}
