import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The dev server forwards the API to a `sextant serve` on port 8080, so
// `npm run dev` works against real data.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
