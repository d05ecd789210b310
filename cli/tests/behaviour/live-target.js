// A live target never gets a callback.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

let called = false;
const fr = new FinalizationRegistry(() => { called = true; });
const target = {};
fr.register(target, 1);
gc();
after(3, () => { gc(); after(2, () => report(!called && target !== null, "callback for a live target")); });
