// HTML order: a cleanup made due during a task runs after the tasks that were already due when the
// collection happened (each with its own promise jobs), and before a timer that falls due later.
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);
const spin = ms => { const end = Date.now() + ms; while (Date.now() < end); };

const order = [];
const fr = new FinalizationRegistry(v => order.push(`cleanup ${v}`));
setTimeout(() => {
  order.push("t1");
  (() => fr.register({}, "x"))();
  gc();
  setTimeout(() => {
    order.push("t3");
    const expected = "t1,t1 promise,t2,t2 promise,cleanup x,t3";
    report(order.join() === expected, `order [${order}], expected [${expected}]`);
  }, 5);
  Promise.resolve().then(() => order.push("t1 promise"));
}, 0);
setTimeout(() => {
  order.push("t2");
  Promise.resolve().then(() => order.push("t2 promise"));
}, 3);
// Both t1 and t2 are due before the first of them runs.
spin(10);
