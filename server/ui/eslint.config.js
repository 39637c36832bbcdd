import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      // The classic hook rules; the React Compiler rules of the plugin's
      // recommended set assume the compiler, which this build does not use.
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
    },
  },
  {
    files: ["e2e/**/*.mjs", "bench/**/*.mjs", "scripts/**/*.mjs", "*.js"],
    extends: [js.configs.recommended],
    // Code passed to page.evaluate runs in the browser.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
