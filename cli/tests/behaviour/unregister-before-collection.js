// An unregistered cell never gets a callback.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
(() => { const t = {}; fr.register(t, "x", t); if (!fr.unregister(t)) throw new Error("unregister false"); })();
gc();
after(3, () => report(seen.length === 0, `unexpected [${seen}]`));
