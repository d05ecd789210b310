// The held value stays alive until its callback runs.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(h => seen.push(h.payload.join("")));
(() => fr.register({}, { payload: ["o", "k"] }))();
gc(); gc();
after(3, () => report(seen.join() === "ok", `seen [${seen}]`));
