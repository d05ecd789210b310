// A throwing callback is reported; the remaining cells and other registries are still cleaned.
// finreg exit status: 1 (an uncaught error in a cleanup callback, as node exits 1 without a handler)
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
if (typeof process !== "undefined") process.on("uncaughtException", () => {});
const fr = new FinalizationRegistry(v => { seen.push(v); if (v === 0) throw new Error("expected error from cleanup callback"); });
const other = new FinalizationRegistry(v => seen.push(v));
(() => { for (let i = 0; i < 3; i++) fr.register({}, i); other.register({}, "other"); })();
gc();
after(4, () => report(seen.length === 4, `seen [${seen}]`));
