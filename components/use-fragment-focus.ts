"use client";

// A failed order's fix link names the field that fixes it in its fragment (/settings?winery=…#customerName). The
// pages it opens draw their forms once their data is in, after the browser's own jump to the fragment found nothing;
// so the page makes that jump itself once it is ready, and again whenever only the fragment changes: the element is
// scrolled into view, takes the keyboard focus (a section hands it to its first control), and is outlined for a
// moment so the eye finds it too.
import { useEffect, useRef } from "react";

/** What can take the keyboard focus. */
const CONTROL = "input:not([type='hidden']), select, textarea, button, a[href], [tabindex]:not([tabindex='-1'])";

const AMBER = "rgb(245 158 11)";
/** An outline that holds, then fades: drawn by an animation, so nothing is left on the page once it ends. */
const HIGHLIGHT: Keyframe[] = [
  { outline: `3px solid ${AMBER}`, outlineOffset: "2px" },
  { outline: `3px solid ${AMBER}`, outlineOffset: "2px", offset: 0.6 },
  { outline: "3px solid transparent", outlineOffset: "2px" },
];

/** The element the location's fragment names, if the page has one. */
function fragmentTarget(): HTMLElement | null {
  const id = window.location.hash.slice(1);
  if (!id) return null;
  try {
    return document.getElementById(decodeURIComponent(id));
  } catch {
    // A fragment with a broken %-escape names nothing.
    return null;
  }
}

/**
 * Once `ready` (the page's form is drawn), and on every later change of the fragment alone, brings the element the
 * fragment names into view (`block`: where in the viewport) and focuses it.
 */
export function useFragmentFocus(ready: boolean, { block = "center" }: { block?: ScrollLogicalPosition } = {}) {
  // The fragment last acted on. The router also rewrites the location without changing it, and a page may be briefly
  // not ready again (reloading part of itself): neither is a new jump, and the focus stays where the reader put it.
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if (!ready) return;
    const land = () => {
      if (window.location.hash === handled.current) return;
      handled.current = window.location.hash;
      const target = fragmentTarget();
      if (!target) return;
      target.scrollIntoView({ block });
      const control = target.matches(CONTROL) ? target : target.querySelector<HTMLElement>(CONTROL);
      control?.focus({ preventScroll: true });
      target.animate(HIGHLIGHT, { duration: 2_000, easing: "ease-out" });
    };
    land();

    // A link to another fragment of this page is pushed by the router, which fires no hashchange; the Navigation API
    // sees it (hashchange is the fallback where that API is missing). A frame later, the router's own scroll to the
    // fragment, made as it commits the new location, has happened and does not undo ours.
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(land);
    };
    const navigation: EventTarget = "navigation" in window ? window.navigation : window;
    const event = "navigation" in window ? "currententrychange" : "hashchange";
    navigation.addEventListener(event, later);
    return () => {
      navigation.removeEventListener(event, later);
      cancelAnimationFrame(frame);
    };
  }, [ready, block]);
}
