// The same target registered twice, and in two registries, gets every callback.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const a = new FinalizationRegistry(v => seen.push("a" + v));
const b = new FinalizationRegistry(v => seen.push("b" + v));
(() => { const t = {}; a.register(t, 1); a.register(t, 2); b.register(t, 3); })();
gc();
after(3, () => report(seen.sort().join() === "a1,a2,b3", `seen [${seen}]`));
