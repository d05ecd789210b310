// No gc() call anywhere: run it with `finreg --gc-stress` (or `--gc-stress=job`) and every cleanup
// callback comes, each within the two tasks after the one that dropped its file; without the flag,
// Boa may never collect these few objects.
const files = new FinalizationRegistry((name) => console.log('closed', name));

function open(name) {
  const handle = { name };
  files.register(handle, name);
  return handle;
}

open('a.txt'); // dropped at once
let b = open('b.txt');
setTimeout(() => {
  b = null; // dropped in a later task
  console.log('dropped b.txt');
});
