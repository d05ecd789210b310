// gc() inside a callback is safe and its victims are delivered too.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
let keep = {};
const fr = new FinalizationRegistry(v => { seen.push(v); if (v === "a") { keep = null; gc(); } });
fr.register(keep, "b");
(() => fr.register({}, "a"))();
gc();
after(4, () => report(seen.join() === "a,b", `seen [${seen}]`));
