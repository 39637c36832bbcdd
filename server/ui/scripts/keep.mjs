// Vite empties dist/ on every build; the committed dist/.keep must survive,
// because server/ui.go embeds dist/ and go:embed needs the folder to exist
// on a fresh checkout, before any npm run.
import { writeFileSync } from "node:fs";

writeFileSync(new URL("../dist/.keep", import.meta.url), "");
