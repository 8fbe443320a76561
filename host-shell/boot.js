// Boots the host shell: an external module script, so the page needs no inline script.
import init from './host-shell.js';

await init();
