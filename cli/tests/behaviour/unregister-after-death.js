// unregister() of a cell whose target died but was not cleaned yet returns true and cancels the callback.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
const token = {};
(() => fr.register({}, "x", token))();
gc();
const removed = fr.unregister(token);
after(3, () => report(removed === true && seen.length === 0, `unregister=${removed}, seen [${seen}]`));
