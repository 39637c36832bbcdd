import { useEffect, useState, type RefObject } from "react";

/**
 * useInView reports whether el has come within margin of the viewport;
 * once it has, it stays true, so a drawn panel is not drawn again while
 * scrolling back and forth. Panels off screen cost nothing until then.
 */
export function useInView(el: RefObject<HTMLElement | null>, margin = "300px"): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const node = el.current;
    if (seen || node === null) return;
    // Panels in view at mount ask at once, without waiting a frame for
    // the observer's first report.
    if (node.getBoundingClientRect().top < window.innerHeight) {
      setSeen(true);
      return;
    }
    const obs = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin: margin },
    );
    obs.observe(node);
    return () => obs.disconnect();
  }, [el, margin, seen]);
  return seen;
}

/** useWidth follows el's content width in CSS pixels. */
export function useWidth(el: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const node = el.current;
    if (node === null) return;
    setWidth(Math.floor(node.getBoundingClientRect().width));
    const obs = new ResizeObserver((entries) => {
      for (const e of entries) setWidth(Math.floor(e.contentRect.width));
    });
    obs.observe(node);
    return () => obs.disconnect();
  }, [el]);
  return width;
}
