"use strict";
var S = [], R = [], RM = [], W = [], __log = [], __outs = [], __seen = Object.create(null);
var __WR = null, __WEAK = null;
var ACTS = Object.create(null);
var WK = [Symbol.iterator, Symbol.asyncIterator, Symbol.hasInstance, Symbol.toPrimitive];
var other = globalThis, __FR = null, __M = null;
function L() { __log.push(Array.prototype.join.call(arguments, "|")); }
function d(v) {
  switch (typeof v) {
    case "number": return "n" + v;
    case "string": return "s" + v;
    case "bigint": return "b" + v;
    case "boolean": return "B" + v;
    case "undefined": return "u";
    case "symbol": return "y" + $desc.call(v);
    default: return v === null ? "N" : "o" + v.oid;
  }
}
function val(x) {
  switch (x[0]) {
    case "S": return S[x[1]];
    case "R": return R[x[1]];
    case "u": return undefined;
    case "N": return null;
    case "B": return x[1] === 1;
    case "n": return x[1];
    case "s": return "h" + x[1];
    case "b": return BigInt(x[1]);
    case "o": return { oid: x[1] };
    case "y": return $Symbol("h" + x[1]);
    case "k": return $SymbolFor("k" + x[1]);
    case "w": return WK[x[1]];
  }
  throw new Error("bad value " + x);
}
function ename(e, method) {
  if (e !== null && typeof e === "object" && e.name === "TypeError" && String(e.message).includes(method)) return "TypeError";
  return "bad:" + String(e).split("|").join("/");
}
function out(o) { __outs.push(o); return o; }
function mkcb(oid) { return function (v) { __cb(oid, v); }; }
function mkfn() { return function () {}; }
function mkmicro(id, acts) { return function () { L("microrun", id); run(acts); }; }
function mknew(kind, oid) {
  switch (kind) {
    case "obj": return {};
    case "fn": return mkfn();
    case "arr": return [];
    case "proxy": return new Proxy({}, {});
    case "foreign": return new other.Object();
  }
}
function __fake(name) { L("fake", name); }
// Native finalizers are driven from Rust by the harness; a plain finreg replay has none.
var __nat = typeof __native === "function" ? __native : function () { return "unavailable"; };
var __can = typeof __cancel === "function" ? __cancel : function () { return "unavailable"; };
function exec(a) {
  switch (a[0]) {
    case "new": {
      if (a[3] === "sym") S[a[1]] = $Symbol("e" + a[2]);
      else if (a[3] === "wk") S[a[1]] = WK[a[2]];
      else { var o = mknew(a[3], a[2]); o.oid = a[2]; S[a[1]] = o; }
      L("new", a[1], a[2]);
      return;
    }
    case "drop": S[a[1]] = undefined; L("drop", a[1]); return;
    case "newreg": {
      var fr = new __FR[a[3]](mkcb(a[2]));
      fr.oid = a[2];
      R[a[1]] = fr;
      RM[a[1]] = a[3];
      L("newreg", a[1], a[2]);
      return;
    }
    case "dropreg": R[a[1]] = undefined; L("dropreg", a[1]); return;
    case "reg": {
      if (R[a[1]] === undefined) { L("reg", a[1], out("noreg")); return; }
      var t = val(a[2]), h = val(a[3]), kd = "-", res, m = __M[RM[a[1]]][0];
      try {
        if (a[4] === null) res = m.call(R[a[1]], t, h);
        else { var k = val(a[4]); kd = d(k); res = m.call(R[a[1]], t, h, k); }
        res = res === undefined ? "ok" : "bad:returned " + d(res);
      } catch (e) { res = ename(e, "FinalizationRegistry.prototype.register"); }
      L("reg", a[1], d(t), d(h), kd, out(res));
      return;
    }
    case "unreg": {
      if (R[a[1]] === undefined) { L("unreg", a[1], out("noreg")); return; }
      var tok = val(a[2]), r;
      try {
        r = __M[RM[a[1]]][1].call(R[a[1]], tok);
        r = typeof r === "boolean" ? String(r) : "bad:returned " + d(r);
      } catch (e) { r = ename(e, "FinalizationRegistry.prototype.unregister"); }
      L("unreg", a[1], d(tok), out(r));
      return;
    }
    case "gc": L("gc"); gc(); return;
    case "throw": L("throw"); throw new Error("boom");
    case "micro": Promise.resolve().then(mkmicro(a[1], a[2])); L("micro", a[1]); return;
    case "native": { var no = S[a[1]]; L("native", a[1], d(no), a[2], __nat(no, a[2])); return; }
    case "cancel": L("cancel", a[1], __can(a[1])); return;
    case "newweak": {
      var wt = val(a[3]), wr = "ok";
      try { W[a[1]] = a[2] === "Ref" ? new __WR(wt) : a[2] === "Map" ? new $WeakMap() : new $WeakSet(); }
      catch (e) { wr = ename(e, "WeakRef"); }
      L("newweak", a[1], a[2], d(wt), wr);
      return;
    }
    case "weak": {
      var wo = W[a[1]], wk = val(a[3]), m = __WEAK[a[2]], res;
      try {
        res = m[0].call(wo, wk, a[4]);
        res = a[2] === "mset" || a[2] === "sadd" ? (res === wo ? "ok" : "bad:returned " + d(res)) : d(res);
      } catch (e) { res = ename(e, m[1]); }
      L("weak", a[1], a[2], d(wk), res);
      return;
    }
    case "hostile": {
      var hr = "ok";
      try { HOSTILE[a[1]](); } catch (e) { hr = "bad:" + String(e).split("|").join("/"); }
      L("hostile", a[1], hr);
      return;
    }
  }
  throw new Error("bad action " + a);
}
function run(acts) { for (var i = 0; i < acts.length; i++) exec(acts[i]); }
function __cb(roid, v) {
  var k = d(v);
  __seen[roid + "|" + k] = (__seen[roid + "|" + k] | 0) + 1;
  L("cb", roid, k);
  var acts = ACTS[k];
  if (acts !== undefined) run(acts);
}
function __run(k) { L("step", k); run(STEPS[k]); }
function __prologue() { run(PROLOGUE); }
// After the install (and, in the harness, after the other realm was made and `other` set).
function __installed() {
  if (globalThis.other !== undefined) other = globalThis.other;
  __FR = [FinalizationRegistry, other.FinalizationRegistry];
  __M = [0, 1].map(function (i) { return [__FR[i].prototype.register, __FR[i].prototype.unregister]; });
  __WR = WeakRef;
  var mp = $WeakMap.prototype, sp = $WeakSet.prototype;
  __WEAK = {
    deref: [__WR.prototype.deref, "WeakRef.prototype.deref"],
    mset: [mp.set, "WeakMap.prototype.set"], mget: [mp.get, "WeakMap.prototype.get"],
    mhas: [mp.has, "WeakMap.prototype.has"], mdelete: [mp["delete"], "WeakMap.prototype.delete"],
    sadd: [sp.add, "WeakSet.prototype.add"], shas: [sp.has, "WeakSet.prototype.has"],
    sdelete: [sp["delete"], "WeakSet.prototype.delete"]
  };
}
