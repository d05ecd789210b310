// A pending timer never starves cleanup callbacks.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
const long = setTimeout(() => {}, 500);
(() => fr.register({}, "x"))();
gc();
setTimeout(() => { clearTimeout(long); report(seen.join() === "x", `seen [${seen}] while a timer was pending`); }, 50);
