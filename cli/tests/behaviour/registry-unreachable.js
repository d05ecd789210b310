// A registry that is garbage when its cleanup would run gets no callbacks.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

let called = false;
(() => {
  const fr = new FinalizationRegistry(() => { called = true; });
  (() => fr.register({}, 1))();
  gc();
})();
gc();
after(3, () => report(!called, "the callback of a dead registry ran"));
