// The script's evaluation is the first task: its promise jobs come first, then a timer it scheduled
// before gc() (already due), then the cleanup, then a timer that falls due after the collection.
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);
const spin = ms => { const end = Date.now() + ms; while (Date.now() < end); };

const order = [];
const fr = new FinalizationRegistry(v => order.push(`cleanup ${v}`));
setTimeout(() => order.push("before gc"), 0);
spin(5);
(() => fr.register({}, "x"))();
gc();
setTimeout(() => order.push("after gc"), 10);
Promise.resolve().then(() => order.push("script promise"));
setTimeout(() => {
  const expected = "script promise,before gc,cleanup x,after gc";
  report(order.join() === expected, `order [${order}], expected [${expected}]`);
}, 60);
