// The long-running host case: the job loop has run many times before the target dies.
// Compare: finreg --expose-gc cli/examples/late-target.js
//     and: finreg --expose-gc --registry builtin cli/examples/late-target.js
const registry = new FinalizationRegistry(held => console.log(`cleaned up: ${held}`));
let session = { user: "ada" };
registry.register(session, "session of ada");

let ticks = 0;
const timer = setInterval(() => {
  ticks++;
  if (ticks === 3) {
    session = null; // the target dies in the third timer callback...
    gc();
  }
  if (ticks === 5) {
    clearInterval(timer); // ...and its callback arrived between ticks 3 and 4
    console.log("done");
  }
  console.log(`tick ${ticks}`);
}, 1);
