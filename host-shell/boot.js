// Boots the host shell: an external module script, so the page needs no inline script.
import init from './host-shell.js';

await init();

// The page's title and focus follow the main slot's heading (docs/MFE.md, "Accessibility"):
// the title is always "<heading> · Bazaar", and after a change of page (of path: a new search
// or sort keeps its control focused) focus moves to the new page's heading, so a screen reader
// announces it and Tab goes on from there. The first page load leaves focus where the browser
// puts it. Here rather than in the shell's wasm: the heading is drawn by whichever widget holds
// the slot, whenever its data is in, and a few lines of script cost less than the bindings.
const main = document.querySelector('[data-slot="main"]');
let path = location.pathname;
let pending = false; // a new page whose heading is not focused yet
let focused = null; // the heading focus was moved to
new MutationObserver(() => {
  if (location.pathname !== path) {
    path = location.pathname;
    pending = true;
  }
  const heading = main.querySelector('h1');
  if (!heading) return;
  const title = `${heading.textContent.trim()} · Bazaar`;
  if (document.title !== title) document.title = title;
  // A heading redrawn by its widget (the loading frame's, then the page's) takes the focus over
  // if the focused one went with it and the reader has not moved on.
  const lost = focused && !focused.isConnected && document.activeElement === document.body;
  if (pending || lost) {
    pending = false;
    focused = heading;
    heading.tabIndex = -1;
    heading.focus();
  }
}).observe(main, { childList: true, subtree: true, characterData: true });
