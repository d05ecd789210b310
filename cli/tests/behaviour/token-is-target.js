// A target registered as its own unregister token is still collected.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
(() => { const t = {}; fr.register(t, "self", t); })();
gc();
after(3, () => report(seen.join() === "self", `seen [${seen}]`));
