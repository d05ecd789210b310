// An ES module run by finreg: a sibling import, top-level await, import(), import.meta.url.
// Run: finreg --expose-gc cli/examples/modules/main.mjs
import { open, released } from "./pool.mjs";

if (typeof gc !== "function") throw new Error("run with --expose-gc");
console.log(`main: running ${import.meta.url.split("/").slice(-2).join("/")}`);

const kept = open();
kept.close();
(() => {
  open(); // handles 2 and 3 are dropped without close()
  open();
})();
gc();

// Top-level await: the module waits for a timer, so the task that ran gc() ends first, and the
// cleanup callbacks it made due run at that task's end, before the timer fires.
await new Promise((resolve) => setTimeout(resolve, 0));
console.log(`main: after the await, released [${released}]`);

const again = await import("./pool.mjs");
console.log(`main: import() gives the same module instance: ${again.open === open}`);
