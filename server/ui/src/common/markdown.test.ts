import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";

describe("renderMarkdown", () => {
  it("renders emphasis and lists", () => {
    expect(renderMarkdown("**a**\n\n- b")).toContain("<strong>a</strong>");
  });
  it("shows raw html as text", () => {
    const got = renderMarkdown('<img src=x onerror="alert(1)">');
    expect(got).not.toContain("<img");
    expect(got).toContain("&#60;img");
  });
  it("refuses javascript links", () => {
    expect(renderMarkdown("[x](javascript:alert(1))")).toContain('href="#"');
    expect(renderMarkdown("[x](https://e.org)")).toContain('href="https://e.org"');
  });
});
