/*
 * GB_calculate_20231001_0000 — the calculation code published on chain.
 *
 * Applies a formula library to activity data with a factor library (formats: docs/data-formats.md).
 * Plain ES2020, no imports, no eval/Function, no Date, no Math.random: the same input always gives
 * the same output, so a verifier that reruns this code gets the enterprise's number exactly.
 *
 * Global functions (all take and return JSON strings):
 *   calculate(inputJson)       {"factors", "formulas", "activity"} -> result
 *   calculateBatch(inputJson)  {"factors", "formulas", "activities": [...]} -> [{"result"}|{"error"[, "name"]}]
 *   checkFormulas(formulasJson) formula library -> ["01-00", "01-01", ...] (ids checked)
 *
 * Result: {"total": "288.324366", "items": {"E_fuel": "274.202236", ...}, "warnings": [...],
 *          "self_measured": [{"record", ["item",] "group", "evidence", "values": {symbol: number}}]}
 *
 * Arithmetic is IEEE-754 double, left to right as written (constant sub-expressions are folded,
 * which performs the very same operations). Per-record values are summed in record order; the
 * summary formula is evaluated on the unrounded item totals. Rounding happens once, at the end:
 * each number is written in its shortest round-trip decimal form (Number#toString) and that
 * decimal is rounded half away from zero to 6 places, so what a person reads is what is rounded
 * (1.0000005 gives 1.000001, where toFixed(6) on the double just below gives 1.000000).
 * From 2^53 up, where every double is an integer, the exact integer is used instead.
 *
 * Errors are thrown as Error with a one-line message naming the record (0-based) and the key.
 * Plausibility is part of validity: every number a record (or a sub-record in `items`) gives under
 * a symbol the group's formulas use, the activity value and self-measured factors included, must
 * be finite and not negative, unless the group lists the symbol in `negative_allowed` (a stock
 * change, say); a self-measured value of a percent cell must lie within 0-100.
 * Formula syntax errors are thrown with name "FormulaSyntaxError", implausible values with name
 * "ImplausibleValueError" (which calculateBatch reports as the entry's "name").
 */
(function (global) {
  "use strict";

  var DECIMALS = 6;
  var WHITESPACE = " \t\n\r\u00a0\u3000";
  var OPERATORS = {
    "+": "+", "-": "-", "\u2212": "-",
    "\u00d7": "*", "*": "*", "\u00b7": "*",
    "\u00f7": "/", "/": "/"
  };
  var CLOSER = { "(": ")", "[": "]" };
  var EXPECT_OPERAND = "expected a number, a symbol, sum(\u2026), '(' or '['";
  var RESERVED_KEYS = { unit: true, evidence: true, items: true };
  var hasOwn = Object.prototype.hasOwnProperty;
  var DECIMAL_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;

  // ------------------------------------------------------------------ errors

  // Errors about the input carry `calc` so calculateBatch reports them per document and lets
  // anything else (a bug, out of memory) abort the whole call.
  function calcError(message) {
    var e = new Error(message);
    e.calc = true;
    return e;
  }

  function syntaxError(message) {
    var e = new Error(message);
    e.name = "FormulaSyntaxError";
    return e;
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function typeName(v) {
    if (v === null) return "null";
    if (Array.isArray(v)) return "list";
    return typeof v;
  }

  function quote(s) {
    return "'" + s + "'";
  }

  // ------------------------------------------------------------------ formula lexer

  var T_NUM = 1, T_SYM = 2, T_OP = 3, T_OPEN = 4, T_CLOSE = 5, T_SUM = 6, T_END = 7, T_BAD = 8;

  function isDigit(c) { return c >= 48 && c <= 57; }
  function isSymbolStart(c) { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; }
  function isSymbolPart(c) { return isSymbolStart(c) || isDigit(c); }

  // Tokens are pulled one at a time so that the first error from the left is the one reported.
  function Lexer(src, where) {
    this.src = src;
    this.where = where;
    this.i = 0;
  }

  Lexer.prototype.skipSpace = function () {
    var src = this.src;
    while (this.i < src.length && WHITESPACE.indexOf(src.charAt(this.i)) >= 0) this.i++;
  };

  Lexer.prototype.next = function () {
    this.skipSpace();
    var src = this.src, i = this.i, n = src.length;
    var pos = i + 1;
    if (i >= n) return { t: T_END, text: "", pos: pos };
    var ch = src.charAt(i), c = src.charCodeAt(i);
    if (isDigit(c)) {
      var j = i;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      if (j < n && src.charAt(j) === ".") {
        j++;
        if (!(j < n && isDigit(src.charCodeAt(j)))) {
          throw syntaxError(this.where + "expected a digit after '.' at position " + (j + 1));
        }
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      this.i = j;
      var text = src.slice(i, j);
      return { t: T_NUM, text: text, v: Number(text), pos: pos };
    }
    if (isSymbolStart(c)) {
      var k = i;
      while (k < n && isSymbolPart(src.charCodeAt(k))) k++;
      this.i = k;
      return { t: T_SYM, text: src.slice(i, k), pos: pos };
    }
    this.i = i + 1;
    if (OPERATORS[ch] !== undefined) return { t: T_OP, text: ch, op: OPERATORS[ch], pos: pos };
    if (ch === "(" || ch === "[") return { t: T_OPEN, text: ch, pos: pos };
    if (ch === ")" || ch === "]") return { t: T_CLOSE, text: ch, pos: pos };
    if (ch === "\u2211") return { t: T_SUM, text: ch, pos: pos };
    var cp = src.codePointAt(i);
    var whole = String.fromCodePoint(cp);
    this.i = i + whole.length;
    return { t: T_BAD, text: whole, pos: pos };
  };

  // The next non-space character, without consuming anything (to tell `f(` from `f`).
  Lexer.prototype.peekChar = function () {
    var src = this.src, i = this.i;
    while (i < src.length && WHITESPACE.indexOf(src.charAt(i)) >= 0) i++;
    return i < src.length ? src.charAt(i) : "";
  };

  // ------------------------------------------------------------------ formula parser

  // AST: {k:"num", v} {k:"sym", name} {k:"neg", a} {k:"bin", op, a, b} {k:"sum", a}
  function Parser(src, where, allowSum) {
    this.lex = new Lexer(src, where);
    this.where = where;
    this.allowSum = allowSum;
    this.opens = [];
    this.inSum = false;
    this.symbols = [];
    this.tok = this.lex.next();
  }

  Parser.prototype.advance = function () {
    this.tok = this.lex.next();
  };

  Parser.prototype.fail = function (what, expected) {
    throw syntaxError(this.where + what + " at position " + this.tok.pos + "; " + expected);
  };

  Parser.prototype.unexpected = function (expected) {
    var tok = this.tok;
    if (tok.t === T_END) this.fail("unexpected end of formula", expected);
    if (tok.t === T_BAD && tok.text === "=") {
      this.fail("unexpected '='", expected + " (a formula is the right-hand side only)");
    }
    this.fail("unexpected " + quote(tok.text), expected);
  };

  // What may follow a complete operand here: an operator, or the bracket that is open, or the end.
  Parser.prototype.expectAfterOperand = function () {
    if (this.opens.length === 0) return "expected operator or end";
    var open = this.opens[this.opens.length - 1];
    return "expected operator or " + quote(CLOSER[open.ch]) + " to close " + quote(open.ch) +
      " at position " + open.pos;
  };

  Parser.prototype.parseFormula = function () {
    var node = this.parseExpr();
    if (this.tok.t !== T_END) {
      if (this.tok.t === T_CLOSE) this.fail("unbalanced " + quote(this.tok.text), this.expectAfterOperand());
      this.unexpected(this.expectAfterOperand());
    }
    return node;
  };

  Parser.prototype.parseExpr = function () {
    var left = this.parseTerm();
    while (this.tok.t === T_OP && (this.tok.op === "+" || this.tok.op === "-")) {
      var op = this.tok.op;
      this.advance();
      left = { k: "bin", op: op, a: left, b: this.parseTerm() };
    }
    return left;
  };

  Parser.prototype.parseTerm = function () {
    var left = this.parseUnary();
    while (this.tok.t === T_OP && (this.tok.op === "*" || this.tok.op === "/")) {
      var op = this.tok.op;
      this.advance();
      left = { k: "bin", op: op, a: left, b: this.parseUnary() };
    }
    return left;
  };

  Parser.prototype.parseUnary = function () {
    if (this.tok.t === T_OP && this.tok.op === "-") {
      this.advance();
      return { k: "neg", a: this.parseUnary() };
    }
    return this.parsePrimary();
  };

  Parser.prototype.parsePrimary = function () {
    var tok = this.tok;
    if (tok.t === T_NUM) {
      this.advance();
      return { k: "num", v: tok.v };
    }
    if (tok.t === T_SUM || (tok.t === T_SYM && tok.text === "sum")) return this.parseSum();
    if (tok.t === T_SYM) {
      if (this.lex.peekChar() === "(") {
        this.fail("unknown function " + quote(tok.text), "expected sum(\u2026) or \u2211(\u2026)");
      }
      this.advance();
      if (this.symbols.indexOf(tok.text) < 0) this.symbols.push(tok.text);
      return { k: "sym", name: tok.text };
    }
    if (tok.t === T_OPEN) {
      this.advance();
      return this.parseBracketed(tok);
    }
    if (tok.t === T_CLOSE && this.opens.length === 0) this.fail("unbalanced " + quote(tok.text), EXPECT_OPERAND);
    this.unexpected(EXPECT_OPERAND);
  };

  Parser.prototype.parseBracketed = function (openTok) {
    this.opens.push({ ch: openTok.text, pos: openTok.pos });
    var node = this.parseExpr();
    var open = this.opens[this.opens.length - 1];
    if (this.tok.t === T_CLOSE) {
      if (this.tok.text !== CLOSER[open.ch]) this.fail("mismatched " + quote(this.tok.text), this.expectAfterOperand());
      this.opens.pop();
      this.advance();
      return node;
    }
    this.unexpected(this.expectAfterOperand());
  };

  Parser.prototype.parseSum = function () {
    var name = this.tok.text;
    if (!this.allowSum) {
      this.fail("unexpected " + quote(name), "an emission_summary combines item totals and has no sub-records to sum");
    }
    if (this.inSum) this.fail("nested " + name + "(\u2026)", "sum(\u2026) cannot contain another sum(\u2026)");
    this.advance();
    if (!(this.tok.t === T_OPEN && this.tok.text === "(")) {
      this.unexpected("expected '(' after " + quote(name));
    }
    var openTok = this.tok;
    this.advance();
    this.inSum = true;
    var inner = this.parseBracketed(openTok);
    this.inSum = false;
    return { k: "sum", a: inner };
  };

  function parseFormula(src, where, allowSum) {
    if (typeof src !== "string") throw syntaxError(where + "'formula' must be a string, got " + typeName(src));
    var p = new Parser(src, where, allowSum);
    var ast = p.parseFormula();
    return { ast: ast, symbols: p.symbols };
  }

  // ------------------------------------------------------------------ formula library

  function formulaWhere(f, key) {
    return "formula " + f.formulaid + " (" + key + "): ";
  }

  function indexName(lib, fallback) {
    return isObject(lib) && isObject(lib.meta) && typeof lib.meta.index_name === "string"
      ? lib.meta.index_name : fallback;
  }

  // Parses every formula and checks the summary; needs no factor library.
  function parseFormulaLibrary(lib) {
    var name = indexName(lib, "the formula library");
    if (!isObject(lib) || !isObject(lib.formulas)) throw calcError(name + ": 'formulas' must be an object");
    var items = [], summary = null, itemIndex = Object.create(null);
    var keys = Object.keys(lib.formulas);
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i], f = lib.formulas[key];
      if (!isObject(f) || typeof f.formulaid !== "string") {
        throw calcError(name + ": formula " + quote(key) + " must be an object with a 'formulaid' string");
      }
      var where = formulaWhere(f, key);
      if (f.type !== "emission_item" && f.type !== "emission_summary") {
        throw calcError(where + "unknown type " + quote(String(f.type)) + "; expected emission_item or emission_summary");
      }
      var parsed = parseFormula(f.formula, where, f.type === "emission_item");
      var entry = { key: key, id: f.formulaid, where: where, ast: parsed.ast, symbols: parsed.symbols, factor: f.factor };
      if (f.type === "emission_item") {
        if (typeof f.factor !== "string") throw calcError(where + "'factor' must name a factorid");
        entry.index = items.length;
        itemIndex[key] = entry.index;
        items.push(entry);
      } else {
        if (summary !== null) {
          throw calcError(where + "a second emission_summary; " + name + " already has " + summary.key);
        }
        summary = entry;
      }
    }
    if (summary === null) throw calcError(name + ": no emission_summary formula");
    for (var s = 0; s < summary.symbols.length; s++) {
      if (itemIndex[summary.symbols[s]] === undefined) {
        throw calcError(summary.where + "symbol " + quote(summary.symbols[s]) + " names no emission_item of " + name);
      }
    }
    return { name: name, items: items, summary: summary, itemIndex: itemIndex };
  }

  function hasSum(node) {
    if (node.k === "sum") return true;
    if (node.k === "neg") return hasSum(node.a);
    if (node.k === "bin") return hasSum(node.a) || hasSum(node.b);
    return false;
  }

  // ------------------------------------------------------------------ factor library

  function normUnit(u) {
    var out = "";
    for (var i = 0; i < u.length; i++) {
      var ch = u.charAt(i);
      if (WHITESPACE.indexOf(ch) >= 0) continue;
      out += ch === "\u00b3" ? "3" : ch === "\u00b2" ? "2" : ch;
    }
    return out;
  }

  var PARAM_COUNT = Object.assign(Object.create(null), { co: 0, od: 1, sd: 2 });

  function prepareFactors(lib) {
    var name = indexName(lib, "the factor library");
    if (!isObject(lib) || !isObject(lib.groups)) throw calcError(name + ": 'groups' must be an object");
    var groups = Object.create(null), names = Object.keys(lib.groups);
    for (var i = 0; i < names.length; i++) groups[names[i]] = prepareGroup(names[i], lib.groups[names[i]], name);
    // evaluateRecord takes a record with as many keys as it holds of its group's recordKeys (and,
    // in a countSafe row, of self-measured factors) to hold no other key, none naming a second
    // group in particular. That is so when the five recordKeys are different names of which only
    // the group's own names a group (plainSafe) and no symbol of the row is one of them or names
    // a group (countSafe).
    for (i = 0; i < names.length; i++) {
      var g = groups[names[i]], others = [g.actSymbol, "unit", "evidence", "items"];
      g.plainSafe = Object.keys(g.recordKeys).length === 5;
      for (var k = 0; k < others.length; k++) if (groups[others[k]] !== undefined) g.plainSafe = false;
      for (var key in g.rows) {
        var row = g.rows[key];
        for (var c = 0; c < row.cellList.length; c++) {
          var symbol = row.cellList[c].symbol;
          if (g.recordKeys[symbol] === true || groups[symbol] !== undefined) row.countSafe = false;
        }
      }
    }
    return { name: name, groups: groups, names: names };
  }

  function prepareGroup(gname, g, libName) {
    var where = libName + ": group " + quote(gname) + ": ";
    if (!isObject(g)) throw calcError(where + "must be an object");
    var nparams = PARAM_COUNT[g.type];
    if (nparams === undefined) throw calcError(where + "unknown type " + quote(String(g.type)) + "; expected co, od or sd");
    if (!Array.isArray(g.parameter_name) || g.parameter_name.length !== nparams) {
      throw calcError(where + "type " + g.type + " needs " + nparams + " parameter_name entries");
    }
    if (!isObject(g.activity) || typeof g.activity.symbol !== "string" || typeof g.activity.unit !== "string") {
      throw calcError(where + "'activity' needs a symbol and a unit");
    }
    if (!Array.isArray(g.data) || g.data.length === 0) throw calcError(where + "'data' has no rows");
    if (nparams === 0 && g.data.length !== 1) throw calcError(where + "a co group has exactly one row");
    var signed = Object.create(null), allowed = g.negative_allowed;
    if (allowed !== undefined) {
      if (!Array.isArray(allowed)) throw calcError(where + "'negative_allowed' must be a list of symbols");
      for (var a = 0; a < allowed.length; a++) {
        if (typeof allowed[a] !== "string") throw calcError(where + "'negative_allowed' must be a list of symbols");
        signed[allowed[a]] = true;
      }
    }
    var group = {
      name: gname, type: g.type, kind: nparams, factorid: g.factorid, params: g.parameter_name.slice(),
      actSymbol: g.activity.symbol, rows: Object.create(null), only: null,
      items: [], used: Object.create(null), usesSum: false, itemNames: "",
      // The keys a record of this group may hold besides measured values and formula inputs.
      recordKeys: Object.create(null), plainSafe: false,
      // Symbols whose record values may be negative, and whether the activity value is one.
      signed: signed, actSigned: signed[g.activity.symbol] === true,
      lastP0: null, lastP1: null, lastRow: undefined
    };
    var keys = [gname, group.actSymbol, "unit", "evidence", "items"];
    for (var k = 0; k < keys.length; k++) group.recordKeys[keys[k]] = true;
    for (var r = 0; r < g.data.length; r++) {
      var row = prepareRow(g.data[r], nparams, g.activity.unit, where + "row " + r + ": ", gname);
      if (group.rows[row.key] !== undefined) throw calcError(where + "duplicate row " + quote(row.label));
      group.rows[row.key] = row;
      group.only = row;
    }
    return group;
  }

  function prepareRow(cells, nparams, activityUnit, where, groupName) {
    if (!Array.isArray(cells) || cells.length < nparams) throw calcError(where + "must be a list of cells");
    var values = [], unit = activityUnit;
    for (var p = 0; p < nparams; p++) {
      var pc = cells[p];
      if (!isObject(pc) || typeof pc.value !== "string") throw calcError(where + "parameter cell " + p + " needs a string value");
      values.push(pc.value);
      if (typeof pc.unit === "string" && pc.unit !== "" && unit === activityUnit) unit = pc.unit;
    }
    var row = {
      key: values.join("\u0000"), label: values.join("/"), unit: unit, unitNorm: normUnit(unit),
      unitSeen: unit,
      // What error messages call the row: the record label's name for it, the group's for co.
      name: nparams === 0 ? groupName : values.join("/"),
      // The constant middle of a self_measured entry of this row, serialised once per evidence.
      groupJson: ',"group":' + JSON.stringify(groupName) + ',"evidence":',
      lastEvidence: null, middleJson: "",
      cells: Object.create(null), cellList: [],
      plainFns: null, fullFns: null, countSafe: true
    };
    for (var c = nparams; c < cells.length; c++) {
      var cell = prepareCell(cells[c], where + "cell " + c + ": ");
      if (row.cells[cell.symbol] !== undefined) throw calcError(where + "symbol " + quote(cell.symbol) + " twice");
      row.cells[cell.symbol] = cell;
      row.cellList.push(cell);
    }
    return row;
  }

  function prepareCell(cell, where) {
    if (!isObject(cell) || typeof cell.symbol !== "string" || cell.symbol === "") {
      throw calcError(where + "a factor cell needs a symbol");
    }
    if (cell.value !== null && (typeof cell.value !== "number" || !isFinite(cell.value))) {
      throw calcError(where + quote(cell.symbol) + " value must be a number or null");
    }
    var pct = typeof cell.unit === "string" && normUnit(cell.unit) === "%";
    var range = isObject(cell.range) ? cell.range : null;
    return {
      symbol: cell.symbol,
      value: cell.value === null ? null : pct ? cell.value / 100 : cell.value,
      pct: pct,
      min: range !== null && typeof range.min === "number" ? range.min : null,
      max: range !== null && typeof range.max === "number" ? range.max : null,
      low: range !== null && typeof range.min === "number" ? range.min : -Infinity,
      high: range !== null && typeof range.max === "number" ? range.max : Infinity,
      // This cell's key in a self_measured entry's values, serialised once, and its pairs with
      // the values met so far (see newPairs).
      key: JSON.stringify(cell.symbol) + ":",
      pairs: null
    };
  }

  // ------------------------------------------------------------------ evaluation state

  // The record being evaluated. Closures read these instead of receiving an environment object,
  // so evaluating a record allocates nothing.
  var S_rec = null, S_row = null, S_sub = null, S_subIndex = -1, S_group = null, S_index = -1;
  var S_item = null, S_totals = null, S_factorName = "", S_keyCount = 0, S_av = 0;

  function recordLabel() {
    var g = S_group;
    if (S_row === null || g.type === "co") return "record " + S_index + " (" + g.name + ")";
    return "record " + S_index + " (" + g.name + "=" + S_row.label + ")";
  }

  function itemLabel() {
    return "formula " + S_item.id + " (" + S_item.key + ")";
  }

  function notNumber(name, v) {
    var inSub = S_sub !== null && hasOwn.call(S_sub, name);
    return calcError(recordLabel() + ": " + (inSub ? "items[" + S_subIndex + "]." : "") + quote(name) +
      " must be a number, got " + typeName(v));
  }

  // ------------------------------------------------------------------ compile to closures

  // Each item is compiled once per factor row it is used with, on first use, in two variants:
  // `plain` for a record that holds nothing but its group, activity value, unit and evidence
  // (then every other symbol is the row's constant, and constants fold), and `full` for any
  // other record, whose own values override the row's. Both resolve a symbol exactly as the
  // rules say (sub-record, record, factor row); they only skip lookups that cannot succeed.
  function compileRow(row, g, plain) {
    var fns = [], its = g.items;
    for (var i = 0; i < its.length; i++) {
      var ast = its[i].ast;
      if (plain) ast = fold(withRowConstants(ast, row, g));
      fns.push(compileItem(ast, row, g));
    }
    if (plain) row.plainFns = fns;
    else row.fullFns = fns;
    return fns;
  }

  // Replaces the symbols a plain record cannot hold by the row's default values.
  function withRowConstants(node, row, g) {
    switch (node.k) {
      case "sym": {
        var c = row.cells[node.name];
        if (c === undefined || c.value === null || g.recordKeys[node.name] === true) return node;
        return { k: "num", v: c.value };
      }
      case "neg": return { k: "neg", a: withRowConstants(node.a, row, g) };
      case "bin": return { k: "bin", op: node.op, a: withRowConstants(node.a, row, g), b: withRowConstants(node.b, row, g) };
      default: return node; // a number, or sum(…), where each sub-record may override anything
    }
  }

  function compileItem(node, row, g) {
    switch (node.k) {
      case "num": return constant(node.v);
      case "sym":
        if (node.name === g.actSymbol && row.cells[node.name] === undefined) return activityValue;
        return recordSymbol(node.name, row.cells[node.name]);
      case "neg": return negate(compileItem(node.a, row, g));
      case "sum": return sumOver(compileSub(node.a, row));
      default: return compileBinary(node, compileItem(node.a, row, g), compileItem(node.b, row, g));
    }
  }

  function compileSub(node, row) {
    switch (node.k) {
      case "num": return constant(node.v);
      case "sym": return subSymbol(node.name, row.cells[node.name]);
      case "neg": return negate(compileSub(node.a, row));
      default: return compileBinary(node, compileSub(node.a, row), compileSub(node.b, row));
    }
  }

  function compileSummary(node, itemIndex) {
    switch (node.k) {
      case "num": return constant(node.v);
      case "sym": return summarySymbol(itemIndex[node.name]);
      case "neg": return negate(compileSummary(node.a, itemIndex));
      default: return binary(node.op, compileSummary(node.a, itemIndex), compileSummary(node.b, itemIndex));
    }
  }

  // `x × 44 / 12`: a constant operand saves one closure call per node and record.
  function compileBinary(node, a, b) {
    if (node.b.k === "num") return binaryConstant(node.op, a, node.b.v);
    if (node.a.k === "num") return constantBinary(node.op, node.a.v, b);
    return binary(node.op, a, b);
  }

  // Folding performs the same IEEE operation once instead of per record: results are unchanged.
  function fold(node) {
    if (node.k === "neg") {
      var a = fold(node.a);
      return a.k === "num" ? { k: "num", v: -a.v } : { k: "neg", a: a };
    }
    if (node.k === "bin") {
      var l = fold(node.a), r = fold(node.b);
      if (l.k === "num" && r.k === "num") return { k: "num", v: applyOp(node.op, l.v, r.v) };
      return { k: "bin", op: node.op, a: l, b: r };
    }
    if (node.k === "sum") return { k: "sum", a: fold(node.a) };
    return node;
  }

  function applyOp(op, a, b) {
    if (op === "+") return a + b;
    if (op === "-") return a - b;
    if (op === "*") return a * b;
    return a / b;
  }

  function constant(v) {
    return function () { return v; };
  }

  function negate(a) {
    return function () { return -a(); };
  }

  function binary(op, a, b) {
    if (op === "+") return function () { return a() + b(); };
    if (op === "-") return function () { return a() - b(); };
    if (op === "*") return function () { return a() * b(); };
    return function () { return a() / b(); };
  }

  function binaryConstant(op, a, k) {
    if (op === "+") return function () { return a() + k; };
    if (op === "-") return function () { return a() - k; };
    if (op === "*") return function () { return a() * k; };
    return function () { return a() / k; };
  }

  function constantBinary(op, k, b) {
    if (op === "+") return function () { return k + b(); };
    if (op === "-") return function () { return k - b(); };
    if (op === "*") return function () { return k * b(); };
    return function () { return k / b(); };
  }

  function summarySymbol(index) {
    return function () { return S_totals[index]; };
  }

  // The activity value of the record outside sum(…), already read and checked.
  function activityValue() {
    return S_av;
  }

  // A symbol outside sum(…): the record's value, else the row's (`c`, undefined if the row has
  // no such cell). A record value of a percent cell is a percentage like the library's, so it is
  // applied as a fraction too.
  function recordSymbol(name, c) {
    var pct = c !== undefined && c.pct, value = c !== undefined ? c.value : null;
    return function () {
      var v = S_rec[name];
      if (typeof v === "number") return pct ? v / 100 : v;
      if (v !== undefined && hasOwn.call(S_rec, name)) throw notNumber(name, v);
      if (value !== null) return value;
      throw c !== undefined ? noDefault(name) : unresolved(name);
    };
  }

  // A symbol inside sum(…): the sub-record's value first.
  function subSymbol(name, c) {
    var pct = c !== undefined && c.pct, outer = recordSymbol(name, c);
    return function () {
      var v = S_sub[name];
      if (typeof v === "number") return pct ? v / 100 : v;
      if (v !== undefined && hasOwn.call(S_sub, name)) throw notNumber(name, v);
      return outer();
    };
  }

  function noDefault(name) {
    return calcError(recordLabel() + ": no default value for " + name + " of " + S_row.name + " in " +
      S_factorName + "; provide a measured value");
  }

  function unresolved(name) {
    return calcError(recordLabel() + ": symbol " + quote(name) + " in " + itemLabel() +
      " resolves nowhere (not in " + (S_sub !== null ? "items[" + S_subIndex + "], " : "") +
      "the record or the factor row)");
  }

  function sumOver(a) {
    return function () {
      var list = S_rec.items;
      if (!Array.isArray(list)) {
        throw calcError(recordLabel() + ": " + itemLabel() + " uses sum(\u2026) but the record has no 'items' list");
      }
      var s = 0;
      for (var j = 0; j < list.length; j++) {
        S_sub = list[j];
        S_subIndex = j;
        s += a();
      }
      S_sub = null;
      return s;
    };
  }

  // ------------------------------------------------------------------ the calculator

  function symbolsOf(node, out) {
    if (node.k === "sym") out[node.name] = true;
    else if (node.k === "neg" || node.k === "sum") symbolsOf(node.a, out);
    else if (node.k === "bin") { symbolsOf(node.a, out); symbolsOf(node.b, out); }
  }

  function prepare(factorLib, formulaLib) {
    var factors = prepareFactors(factorLib);
    var formulas = parseFormulaLibrary(formulaLib);
    var items = formulas.items;
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var compiled = { key: it.key, id: it.id, index: it.index, ast: fold(it.ast) };
      var linked = 0;
      for (var g = 0; g < factors.names.length; g++) {
        var group = factors.groups[factors.names[g]];
        if (group.factorid !== it.factor) continue;
        linked++;
        group.items.push(compiled);
        group.itemNames += (group.itemNames === "" ? "" : ", ") + it.key;
        symbolsOf(it.ast, group.used);
        if (hasSum(it.ast)) group.usesSum = true;
      }
      if (linked === 0) {
        throw calcError(it.where + "factor " + quote(it.factor) + " names no group of " + factors.name);
      }
    }
    var itemKeysJson = [];
    for (i = 0; i < items.length; i++) itemKeysJson.push(JSON.stringify(items[i].key));
    return {
      factors: factors, formulas: formulas, itemCount: items.length, itemKeysJson: itemKeysJson,
      summary: compileSummary(fold(formulas.summary.ast), formulas.itemIndex)
    };
  }

  // The record's factor group when its first key names none.
  function findGroup(rec, keys, groups, i, factors) {
    for (var k = 1; k < keys.length; k++) {
      var g = groups[keys[k]];
      if (g !== undefined) return g;
    }
    throw noGroupError(rec, i, factors);
  }

  // `g` is named by the first key that names a group; no later key may name one.
  function checkOneGroup(keys, groups, g, i) {
    for (var k = 0; k < keys.length; k++) {
      if (keys[k] !== g.name && groups[keys[k]] !== undefined) {
        throw calcError("record " + i + ": keys " + quote(g.name) + " and " + quote(keys[k]) +
          " both name factor groups; a record names exactly one");
      }
    }
  }

  function noGroupError(rec, i, factors) {
    if (!isObject(rec)) return calcError("record " + i + ": must be an object, got " + typeName(rec));
    var best = null, bestDist = 3;
    var keys = Object.keys(rec);
    for (var k = 0; k < keys.length; k++) {
      var key = keys[k], v = rec[key];
      if (RESERVED_KEYS[key] === true || typeof v === "number") continue;
      for (var g = 0; g < factors.names.length; g++) {
        var name = factors.names[g], d = editDistance(key, name);
        if (d < bestDist && d * 2 < name.length) {
          best = { key: key, name: name };
          bestDist = d;
        }
      }
    }
    if (best !== null) {
      return calcError("record " + i + ": key " + quote(best.key) + " names no factor group of " +
        factors.name + " \u2014 did you mean " + quote(best.name) + "?");
    }
    return calcError("record " + i + ": none of its keys (" + keys.join(", ") + ") names a factor group of " +
      factors.name + " (" + factors.names.join(", ") + ")");
  }

  // Optimal string alignment distance: a swap of neighbours (fule/fuel) counts as one edit.
  function editDistance(a, b) {
    var d = [], i, j;
    for (i = 0; i <= a.length; i++) { d.push([i]); }
    for (j = 1; j <= b.length; j++) d[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
        var v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length][b.length];
  }

  function findRow(g, sel, factorName) {
    var row;
    if (g.kind === 1) {
      row = g.rows[sel];
      if (row !== undefined && typeof sel === "string") return row;
    }
    if (g.type === "co") {
      if (typeof sel !== "string") throw calcError(recordLabel() + ": the value of " + quote(g.name) + " must be a label string, got " + typeName(sel));
      return g.only;
    }
    if (g.type === "od") {
      if (typeof sel !== "string") throw calcError(recordLabel() + ": the value of " + quote(g.name) + " must be a string naming the row, got " + typeName(sel));
      row = g.rows[sel];
      if (row === undefined) {
        throw calcError(recordLabel() + ": unknown " + g.name + " " + quote(sel) + " \u2014 not in group " +
          quote(g.name) + " of " + factorName);
      }
      return row;
    }
    return findTwoParameterRow(g, sel, factorName);
  }

  // The row of the previous record of an sd group, if this record selects it with exactly its two
  // parameters; else undefined.
  function cachedTwoParameterRow(g, sel) {
    if (typeof sel !== "object" || sel === null) return undefined;
    var p0 = sel[g.params[0]], p1 = sel[g.params[1]];
    if (p0 !== g.lastP0 || p1 !== g.lastP1 || typeof p0 !== "string" || typeof p1 !== "string") return undefined;
    return Object.getOwnPropertyNames(sel).length === 2 ? g.lastRow : undefined;
  }

  function findTwoParameterRow(g, sel, factorName) {
    if (!isObject(sel)) {
      throw calcError(recordLabel() + ": the value of " + quote(g.name) + " must be an object with " +
        g.params.join(", ") + ", got " + typeName(sel));
    }
    var p0 = hasOwn.call(sel, g.params[0]) ? sel[g.params[0]] : undefined;
    var p1 = hasOwn.call(sel, g.params[1]) ? sel[g.params[1]] : undefined;
    for (var k in sel) {
      if (k !== g.params[0] && k !== g.params[1]) {
        throw calcError(recordLabel() + ": unexpected parameter " + quote(k) + "; expected " + g.params.join(", "));
      }
    }
    if (typeof p0 !== "string") throw calcError(recordLabel() + ": parameter " + quote(g.params[0]) + " must be a string, got " + typeName(p0));
    if (typeof p1 !== "string") throw calcError(recordLabel() + ": parameter " + quote(g.params[1]) + " must be a string, got " + typeName(p1));
    var row = g.rows[p0 + "\u0000" + p1];
    if (row === undefined) {
      throw calcError(recordLabel() + ": unknown " + g.name + " " + g.params[0] + "=" + quote(p0) + ", " +
        g.params[1] + "=" + quote(p1) + " \u2014 not in group " + quote(g.name) + " of " + factorName);
    }
    g.lastP0 = p0;
    g.lastP1 = p1;
    g.lastRow = row;
    return row;
  }

  function rangeText(c) {
    return "[" + (c.min === null ? "-\u221e" : c.min) + ", " + (c.max === null ? "\u221e" : c.max) + "]";
  }

  // Self-measured factors of one record or sub-record, reported as one entry; returns how many
  // it has. The entry is written as JSON text at once: JSON.stringify of many small objects is
  // the slowest part of a big batch in QuickJS. Value texts equal String(v), a number's JSON.
  function collectMeasured(src, row, subIndex, out, evidence) {
    var cl = row.cellList, count = 0, values = "";
    for (var j = 0; j < cl.length; j++) {
      var c = cl[j], v = src[c.symbol];
      if (typeof v !== "number") {
        if (v === undefined || !hasOwn.call(src, c.symbol)) continue;
        throw notMeasurable(c, v, subIndex);
      }
      if (v - v !== 0) throw notMeasurable(c, v, subIndex);
      if (c.pct ? v < 0 || v > 100 : v < 0 && S_group.signed[c.symbol] !== true) throw implausibleMeasured(c, v, subIndex);
      var pairs = c.pairs !== null ? c.pairs.get(v) : undefined;
      if (pairs === undefined) pairs = newPairs(c, v);
      values += pairs[count++ === 0 ? 0 : 1];
      if (v < c.low || v > c.high) out.warnings.push(rangeWarning(c, v, subIndex));
    }
    if (count > 0) {
      // Consecutive records usually cite the same evidence file.
      if (evidence !== row.lastEvidence || row.middleJson === "") {
        row.lastEvidence = evidence;
        row.middleJson = row.groupJson + (evidence === null ? "null" : JSON.stringify(evidence)) + ',"values":{';
      }
      out.measured.push('{"record":' + indexText(S_index) + (subIndex < 0 ? "" : ',"item":' + indexText(subIndex)) +
        row.middleJson + values + "}}");
    }
    return count;
  }

  function notMeasurable(c, v, subIndex) {
    return calcError(recordLabel() + ": self-measured " + quote(c.symbol) + (subIndex < 0 ? "" : " in items[" + subIndex + "]") +
      " must be a number, got " + typeName(v));
  }

  function rangeWarning(c, v, subIndex) {
    return recordLabel() + ": self-measured " + c.symbol + (subIndex < 0 ? "" : " in items[" + subIndex + "]") +
      " = " + v + " is outside the range " + rangeText(c) + " of " + S_factorName;
  }

  // A cell's `"symbol":value` text, as the first of an entry's values and as a following one.
  // Measured values recur (one lab result, many deliveries), so each cell keeps the texts of the
  // values it met, up to a bound.
  var PAIRS_PER_CELL = 4096;

  function newPairs(c, v) {
    var pair = c.key + numberText(v), pairs = [pair, "," + pair];
    if (c.pairs === null) c.pairs = new Map();
    if (c.pairs.size < PAIRS_PER_CELL) c.pairs.set(v, pairs);
    return pairs;
  }

  // Decimal digits by table: QuickJS turns a number into text with printf (a binary search over
  // precisions for a fraction), which costs microseconds. D3: "0".."999"; P3: "000".."999";
  // T3: P3 without trailing zeros. Built on first use.
  var D3 = null, P3 = null, T3 = null;

  function digitTables() {
    var dig = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    D3 = [];
    P3 = [];
    T3 = [];
    for (var a = 0; a < 10; a++) {
      for (var b = 0; b < 10; b++) {
        for (var c = 0; c < 10; c++) {
          P3.push(dig[a] + dig[b] + dig[c]);
          D3.push(a > 0 ? dig[a] + dig[b] + dig[c] : b > 0 ? dig[b] + dig[c] : dig[c]);
          T3.push(c > 0 ? dig[a] + dig[b] + dig[c] : b > 0 ? dig[a] + dig[b] : a > 0 ? dig[a] : "");
        }
      }
    }
  }

  function indexText(i) {
    return i < 1e9 ? intText(i) : String(i);
  }

  // String(n) for an integer 0 <= n < 1e9.
  function intText(n) {
    if (D3 === null) digitTables();
    if (n < 1000) return D3[n];
    if (n < 1000000) return D3[(n / 1000) | 0] + P3[n % 1000];
    return D3[(n / 1000000) | 0] + P3[((n / 1000) | 0) % 1000] + P3[n % 1000];
  }

  // String(v) for a finite v, fast for the common measured value with at most six decimals.
  // Below 1e9 two decimals with at most six places are 1e-6 apart while the doubles around v are
  // closer than that, so integers w, f with (w * 1e6 + f) / 1e6 === |v| give the one shortest
  // decimal of v, which is what String(v) writes. w and f stay below 2^31, where QuickJS
  // computes with integers; a candidate that fails the check falls back to String(v).
  function numberText(v) {
    var a = v < 0 ? -v : v;
    if (a >= 1e-6 && a < 1e9) {
      var whole = a | 0, frac = ((a - whole) * 1e6 + 0.5) | 0;
      if ((whole * 1e6 + frac) / 1e6 === a) {
        var text = intText(whole);
        if (frac !== 0) {
          var high = (frac / 1000) | 0, low = frac % 1000;
          text += low === 0 ? "." + T3[high] : "." + P3[high] + T3[low];
        }
        return v < 0 ? "-" + text : text;
      }
    }
    return String(v);
  }

  // The keys of a record or sub-record (`where` "items[j] ") besides its group, reserved keys and
  // self-measured factors: a number under a symbol the formulas use (in a sub-record, the
  // activity symbol too) is an input and must be plausible; any other number is ignored, with a
  // warning. A record's own activity value is checked by evaluateRecord.
  function warnUnusedKeys(src, g, row, where, out) {
    for (var k in src) {
      if (k === g.name || RESERVED_KEYS[k] === true || row.cells[k] !== undefined) continue;
      var v = src[k];
      if (k === g.actSymbol) {
        if (where !== "" && typeof v === "number") checkInput(g, where, k, v);
        continue;
      }
      if (g.used[k] === true) {
        if (typeof v === "number") checkInput(g, where, k, v);
        continue;
      }
      if (typeof v === "number") {
        out.warnings.push(recordLabel() + ": " + where + "key " + quote(k) + " is neither a factor of this row nor used by " +
          g.itemNames + "; ignored");
      }
    }
  }

  function checkInput(g, where, k, v) {
    if (!(v >= 0 && v !== Infinity) && !(g.signed[k] === true && v - v === 0)) {
      throw implausible(g, where === "" ? quote(k) : where.slice(0, -1) + "." + quote(k), k, v);
    }
  }

  // A value that is not finite, or negative where the group does not allow it.
  function implausible(g, what, symbol, v) {
    if (v - v !== 0) return implausibleError(recordLabel() + ": " + what + " must be a finite number, got " + v);
    return implausibleError(recordLabel() + ": " + what + " is negative; group " + quote(g.name) +
      " of " + S_factorName + " does not allow a negative " + symbol);
  }

  // Named so that callers can tell a refused value from other refusals (calculateBatch too).
  function implausibleError(message) {
    var e = calcError(message);
    e.name = "ImplausibleValueError";
    return e;
  }

  function implausibleMeasured(c, v, subIndex) {
    var what = "self-measured " + quote(c.symbol) + (subIndex < 0 ? "" : " in items[" + subIndex + "]");
    if (c.pct) return implausibleError(recordLabel() + ": " + what + " is outside 0-100 (a percentage)");
    return implausible(S_group, what, c.symbol, v);
  }

  function checkSubRecords(rec, g, row, out, evidence) {
    var list = rec.items;
    if (list === undefined) return;
    if (!g.usesSum) {
      out.warnings.push(recordLabel() + ": 'items' is not used by " + g.itemNames + "; ignored");
      return;
    }
    if (!Array.isArray(list)) throw calcError(recordLabel() + ": 'items' must be a list, got " + typeName(list));
    for (var j = 0; j < list.length; j++) {
      var sub = list[j];
      if (!isObject(sub)) throw calcError(recordLabel() + ": items[" + j + "] must be an object, got " + typeName(sub));
      collectMeasured(sub, row, j, out, evidence);
      warnUnusedKeys(sub, g, row, "items[" + j + "] ", out);
    }
  }

  function evaluateRecord(rec, i, prep, totals, out) {
    S_index = i;
    S_row = null;
    S_sub = null;
    if (typeof rec !== "object" || rec === null) throw noGroupError(rec, i, prep.factors);
    // Listing a record's keys is the dearest step of the plain case: it is done once. Records
    // come from JSON.parse, so all their properties are enumerable: getOwnPropertyNames lists
    // what Object.keys would, without asking each property whether it is.
    var keys = Object.getOwnPropertyNames(rec), groups = prep.factors.groups;
    // The group is named by the first key that names one, usually the very first.
    var g = keys.length !== 0 ? groups[keys[0]] : undefined;
    if (g === undefined) g = findGroup(rec, keys, groups, i, prep.factors);
    S_group = g;
    var av = rec[g.actSymbol], unit = rec.unit, evidence = rec.evidence, items = rec.items;
    // Keys beyond these can only be self-measured factors, formula inputs or strays (or a second
    // group); most records have none, and then there is nothing more to look at.
    var plain = 2 + (unit !== undefined ? 1 : 0) + (evidence !== undefined ? 1 : 0) + (items !== undefined ? 1 : 0);
    S_keyCount = keys.length;
    // Whether another key names a group too is only looked up when the count of keys leaves room
    // for one: after the self-measured factors are counted, or before an error is reported, so
    // that this error still comes first.
    var pending = S_keyCount !== plain || typeof av !== "number" || !g.plainSafe, measured = -1, row;
    try {
      if (typeof av !== "number") throw badActivity(rec, g, av);
      var sel = rec[g.name];
      if (g.kind === 1) row = typeof sel === "string" ? g.rows[sel] : undefined;
      else if (g.kind === 2) row = cachedTwoParameterRow(g, sel);
      else if (typeof sel === "string") row = g.only;
      if (row === undefined) row = findRow(g, sel, prep.factors.name);
      S_row = row;
      if (unit !== row.unit && unit !== row.unitSeen) checkUnit(unit, row);
      // Finite and not negative (NaN and ±Infinity fail the first test); signed if allowed.
      if (!(av >= 0 && av !== Infinity) && !(g.actSigned && av - av === 0)) {
        throw implausible(g, "activity value " + quote(g.actSymbol), g.actSymbol, av);
      }
      if (g.items.length === 0) {
        throw calcError(recordLabel() + ": no emission_item of " + prep.formulas.name + " applies to factor group " +
          quote(g.name) + " (factorid " + g.factorid + ")");
      }
      if (S_keyCount > plain || items !== undefined) measured = inspectKeys(rec, g, row, out, plain);
    } catch (e) {
      if (pending && e !== null && typeof e === "object" && e.calc === true) checkOneGroup(keys, groups, g, i);
      throw e;
    }
    if (pending && !(measured >= 0 && g.plainSafe && row.countSafe && S_keyCount === plain + measured)) {
      checkOneGroup(keys, groups, g, i);
    }
    var fns;
    if (measured >= 0 || !g.plainSafe) fns = row.fullFns !== null ? row.fullFns : compileRow(row, g, false);
    else fns = row.plainFns !== null ? row.plainFns : compileRow(row, g, true);
    S_rec = rec;
    S_av = av;
    var its = g.items;
    for (var j = 0; j < fns.length; j++) {
      var it = its[j];
      S_item = it;
      var v = fns[j]();
      // v - v is 0 exactly when v is finite (NaN and ±Infinity give NaN), without a call
      if (v - v !== 0) throw calcError(recordLabel() + ": " + itemLabel() + " gives a non-finite result (" + v + ")");
      totals[it.index] += v;
    }
  }


  function badActivity(rec, g, av) {
    if (av === undefined || !hasOwn.call(rec, g.actSymbol)) {
      return calcError(recordLabel() + ": missing activity value " + quote(g.actSymbol));
    }
    return calcError(recordLabel() + ": activity value " + quote(g.actSymbol) + " must be a number, got " + typeName(av));
  }

  function checkUnit(unit, row) {
    if (typeof unit !== "string") {
      throw calcError(recordLabel() + ": missing 'unit'; the factor's activity unit is " + quote(row.unit));
    }
    if (normUnit(unit) !== row.unitNorm) {
      throw calcError(recordLabel() + ": unit " + quote(unit) + " does not match the factor's activity unit " + quote(row.unit));
    }
    row.unitSeen = unit; // the next record most likely writes the unit the same way
  }

  function inspectKeys(rec, g, row, out, plain) {
    var evidence = typeof rec.evidence === "string" ? rec.evidence : null;
    var measured = collectMeasured(rec, row, -1, out, evidence);
    if (measured > 0 && evidence === null) {
      out.warnings.push(recordLabel() + ": self-measured factors without 'evidence'");
    }
    if (rec.items !== undefined) checkSubRecords(rec, g, row, out, evidence);
    if (S_keyCount > plain + measured || !row.countSafe) warnUnusedKeys(rec, g, row, "", out);
    return measured;
  }

  function checkStandards(doc, prep) {
    var st = doc.standards;
    if (!isObject(st)) return;
    if (typeof st.factors === "string" && st.factors !== prep.factors.name) {
      throw calcError("activity: standards.factors names " + quote(st.factors) + " but the factor library is " + quote(prep.factors.name));
    }
    if (typeof st.formulas === "string" && st.formulas !== prep.formulas.name) {
      throw calcError("activity: standards.formulas names " + quote(st.formulas) + " but the formula library is " + quote(prep.formulas.name));
    }
  }

  function evaluateDocument(doc, prep) {
    if (!isObject(doc)) throw calcError("activity: must be an object, got " + typeName(doc));
    if (!Array.isArray(doc.records)) throw calcError("activity: 'records' must be a list");
    checkStandards(doc, prep);
    S_factorName = prep.factors.name;
    var out = { total: "", warnings: [], measured: [] };
    var totals = [], items = prep.formulas.items, records = doc.records, i;
    for (i = 0; i < prep.itemCount; i++) totals.push(0);
    for (i = 0; i < records.length; i++) evaluateRecord(records[i], i, prep, totals, out);
    S_rec = null;
    S_row = null;
    // Item totals are decimal strings ([-0-9.]), safe inside JSON quotes as they are.
    var itemsJson = "";
    for (i = 0; i < items.length; i++) {
      if (totals[i] - totals[i] !== 0) throw calcError(items[i].where + "total is not a finite number");
      itemsJson += (i === 0 ? "{" : ",") + prep.itemKeysJson[i] + ':"' + round6(totals[i]) + '"';
    }
    S_totals = totals;
    var total = prep.summary();
    S_totals = null;
    if (!isFinite(total)) throw calcError(prep.formulas.summary.where + "result is not a finite number (" + total + ")");
    out.total = round6(total);
    checkDeclaredTotal(doc, out);
    return '{"total":"' + out.total + '","items":' + (itemsJson === "" ? "{" : itemsJson) + "}" +
      ',"warnings":' + JSON.stringify(out.warnings) + ',"self_measured":[' + out.measured.join(",") + "]}";
  }

  // The document's own total is the enterprise's claim, not an input: a difference is reported.
  function checkDeclaredTotal(doc, out) {
    var t = doc.total, declared = NaN;
    if (t === undefined) return;
    if (typeof t === "string" && DECIMAL_TEXT.test(t)) declared = Number(t);
    else if (typeof t === "number") declared = t;
    if (!isFinite(declared)) {
      out.warnings.push("activity: declared total " + JSON.stringify(t) + " is not a decimal number");
    } else if (round6(declared) !== out.total) {
      out.warnings.push("activity: declared total " + t + " differs from the computed total " + out.total);
    }
  }

  // ------------------------------------------------------------------ rounding

  // Shortest round-trip decimal of x, rounded half away from zero to DECIMALS places.
  //
  // Fast path, below 1e8: y = |x| × 1e6 lies within 2^-52·y of both the exact |x| × 1e6 and the
  // shortest decimal of |x| times 1e6 (each is within half an ulp), so when y is further than
  // 1e-15·y from the half between two integers all three round to the same integer m, written
  // with digit tables. The rest, a near half included, goes through the decimal text itself.
  function round6(x) {
    var a = x < 0 ? -x : x;
    if (a < 1e8) {
      var y = a * 1e6, n = Math.floor(y), d = y - n - 0.5, margin = y * 1e-15;
      if (d > margin || -d > margin) {
        var m = d > 0 ? n + 1 : n;
        if (m === 0) return "0.000000";
        if (D3 === null) digitTables();
        var whole = Math.floor(m / 1e6), frac = m - whole * 1e6;
        return (x < 0 ? "-" : "") + intText(whole) + "." + P3[(frac / 1000) | 0] + P3[frac % 1000];
      }
    }
    return round6Text(x);
  }

  // From 2^53 up every double is an integer and engines may print a different but equally short
  // decimal (QuickJS prints 2^60 in full, V8 as 1152921504606847000): the exact integer is used.
  function round6Text(x) {
    if (x >= 9007199254740992 || x <= -9007199254740992) return BigInt(x).toString() + "." + zeros(DECIMALS);
    var s = String(x), negative = false;
    if (s.charAt(0) === "-") { negative = true; s = s.slice(1); }
    var exp = 0, e = s.indexOf("e");
    if (e >= 0) { exp = Number(s.slice(e + 1)); s = s.slice(0, e); }
    var dot = s.indexOf("."), digits, point;
    if (dot >= 0) { digits = s.slice(0, dot) + s.slice(dot + 1); point = dot; } else { digits = s; point = s.length; }
    point += exp; // value = 0.digits... shifted: digits[0..point) are the integer part
    var keep = point + DECIMALS, kept;
    if (keep < 0) kept = "0";
    else if (keep >= digits.length) kept = digits + zeros(keep - digits.length);
    else {
      kept = digits.slice(0, keep);
      if (digits.charCodeAt(keep) >= 53) kept = increment(kept);
    }
    kept = kept.replace(/^0+/, "");
    if (kept === "") return "0." + zeros(DECIMALS);
    if (kept.length <= DECIMALS) kept = zeros(DECIMALS + 1 - kept.length) + kept;
    var text = kept.slice(0, kept.length - DECIMALS) + "." + kept.slice(kept.length - DECIMALS);
    return negative ? "-" + text : text;
  }

  function zeros(n) {
    var z = "";
    for (var i = 0; i < n; i++) z += "0";
    return z;
  }

  function increment(d) {
    var out = "", carry = 1;
    for (var i = d.length - 1; i >= 0; i--) {
      var v = d.charCodeAt(i) - 48 + carry;
      carry = v === 10 ? 1 : 0;
      out = String.fromCharCode(48 + (v % 10)) + out;
    }
    return carry === 1 ? "1" + out : out;
  }

  // ------------------------------------------------------------------ entry points

  function parseInput(inputJson, what) {
    if (typeof inputJson !== "string") throw calcError(what + ": the input must be a JSON string");
    var input = JSON.parse(inputJson);
    if (!isObject(input)) throw calcError(what + ": the input must be a JSON object");
    return input;
  }

  function calculate(inputJson) {
    var input = parseInput(inputJson, "calculate");
    var prep = prepare(input.factors, input.formulas);
    return evaluateDocument(input.activity, prep);
  }

  function calculateBatch(inputJson) {
    var input = parseInput(inputJson, "calculateBatch");
    if (!Array.isArray(input.activities)) throw calcError("calculateBatch: 'activities' must be a list");
    var prep = prepare(input.factors, input.formulas);
    var docs = input.activities, out = [];
    for (var d = 0; d < docs.length; d++) {
      try {
        out.push('{"result":' + evaluateDocument(docs[d], prep) + "}");
      } catch (e) {
        if (e === null || typeof e !== "object" || e.calc !== true) throw e;
        out.push(JSON.stringify(e.name === "ImplausibleValueError" ? { error: e.message, name: e.name } : { error: e.message }));
      }
    }
    return "[" + out.join(",") + "]";
  }

  function checkFormulas(formulasJson) {
    var lib = typeof formulasJson === "string" ? JSON.parse(formulasJson) : formulasJson;
    parseFormulaLibrary(lib);
    var ids = [];
    var keys = Object.keys(lib.formulas);
    for (var i = 0; i < keys.length; i++) ids.push(lib.formulas[keys[i]].formulaid);
    return JSON.stringify(ids);
  }

  global.calculate = calculate;
  global.calculateBatch = calculateBatch;
  global.checkFormulas = checkFormulas;
})(globalThis);
