
var $Symbol = Symbol, $SymbolFor = Symbol.for, $dp = Object.defineProperty;
var $WeakMap = WeakMap, $WeakSet = WeakSet, $WeakRef = WeakRef, $Reflect = Reflect;
var $desc = Object.getOwnPropertyDescriptor(Symbol.prototype, "description").get;
var $toPrimitive = Symbol.toPrimitive;
function fakeFn(name) { return function () { __fake(name); return undefined; }; }
function thrower(name) {
  return {
    get: function () { __fake("get " + name); throw new Error("hostile getter " + name); },
    set: function () { __fake("set " + name); },
    configurable: true
  };
}
// Defined, not assigned: an assignment would call a setter an earlier change left there.
function put(object, key, value) {
  $dp(object, key, { value: value, writable: true, enumerable: false, configurable: true });
}
function fakes(object, name, keys) {
  for (var i = 0; i < keys.length; i++) put(object, keys[i], fakeFn(name + "." + keys[i]));
}
function throwers(object, name, keys) {
  for (var i = 0; i < keys.length; i++) $dp(object, keys[i], thrower(name + "." + keys[i]));
}
var HOSTILE = [
  function () { delete $Symbol.keyFor; },
  function () { put($Symbol, "keyFor", fakeFn("Symbol.keyFor")); },
  function () { $dp($Symbol, "keyFor", thrower("Symbol.keyFor")); },
  function () { delete $Symbol.for; },
  function () { put($Symbol, "for", fakeFn("Symbol.for")); },
  function () { $dp($Symbol, "for", thrower("Symbol.for")); },
  function () { delete globalThis.Symbol; },
  function () { put(globalThis, "Symbol", fakeFn("Symbol")); },
  function () { $dp(globalThis, "Symbol", thrower("Symbol")); },
  function () { delete globalThis.WeakMap; },
  function () { put(globalThis, "WeakMap", fakeFn("WeakMap")); },
  function () { fakes($WeakMap.prototype, "WeakMap.prototype", ["get", "set", "has", "delete"]); },
  function () { delete globalThis.WeakRef; put($WeakRef.prototype, "deref", fakeFn("WeakRef.prototype.deref")); },
  function () { put(globalThis, "WeakRef", fakeFn("WeakRef")); },
  function () { delete globalThis.Reflect; },
  function () { fakes($Reflect, "Reflect", ["apply", "construct", "get", "getPrototypeOf", "ownKeys"]); },
  function () {
    var F = globalThis.FinalizationRegistry;
    if (typeof F === "function") fakes(F.prototype, "FinalizationRegistry.prototype", ["register", "unregister"]);
  },
  function () { put(globalThis, "FinalizationRegistry", fakeFn("FinalizationRegistry")); },
  function () { delete globalThis.FinalizationRegistry; },
  function () {
    throwers(Object.prototype, "Object.prototype",
      ["keyFor", "for", "prototype", "register", "unregister", "description", "then", "deref"]);
  },
  function () { throwers(Function.prototype, "Function.prototype", ["keyFor", "for", "register", "unregister"]); },
  function () {
    throwers($Symbol.prototype, "Symbol.prototype", ["description"]);
    fakes($Symbol.prototype, "Symbol.prototype", ["toString", "valueOf"]);
    $dp($Symbol.prototype, $toPrimitive, thrower("Symbol.prototype[Symbol.toPrimitive]"));
  }
];
