// A task scheduled after gc() (here a 0 ms timer, in the same task) runs after the cleanup task that
// the collection queued; the task's own promise jobs still come first.
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const order = [];
const fr = new FinalizationRegistry(v => order.push(`cleanup ${v}`));
setTimeout(() => {
  order.push("t1");
  (() => fr.register({}, "x"))();
  gc();
  setTimeout(() => {
    order.push("after gc");
    const expected = "t1,t1 promise,cleanup x,after gc";
    report(order.join() === expected, `order [${order}], expected [${expected}]`);
  }, 0);
  Promise.resolve().then(() => order.push("t1 promise"));
}, 0);
