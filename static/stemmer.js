/* Snowball English stemmer (Porter2, as in Snowball 3.1.1), ported by hand from the Python that
   Snowball generates (the snowballstemmer package; PyStemmer, which the indexer uses, is the same
   algorithm in C). tests/test_search.py checks, word for word, that this file
   and the indexer agree on every word of the site and on a generated word list.

   Copyright (c) 2001, Dr Martin Porter; (c) 2004-2005, Richard Boulton; (c) 2013, Yoshiki
   Shibukawa; (c) 2006-2025, Olly Betts. All rights reserved. BSD 3-clause licence:
   Redistribution and use in source and binary forms, with or without modification, are permitted
   provided that the following conditions are met: 1. Redistributions of source code must retain
   the above copyright notice, this list of conditions and the following disclaimer.
   2. Redistributions in binary form must reproduce the above copyright notice, this list of
   conditions and the following disclaimer in the documentation and/or other materials provided
   with the distribution. 3. Neither the name of the Snowball project nor the names of its
   contributors may be used to endorse or promote products derived from this software without
   specific prior written permission. THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND
   CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
   IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO
   EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
   SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
   SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
   CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
   NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF
   THE POSSIBILITY OF SUCH DAMAGE.

   Only words of ASCII letters and digits are stemmed (on both sides): the algorithm is for
   English, and JavaScript counts a string in UTF-16 units where Python counts code points. */
(function (root) {
  "use strict";

  function among(s, substring, result, method) { return { s: s, substring: substring, result: result, method: method }; }

  var A0 = ["arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers"].map(function (s) { return among(s, -1, -1); });
  var A1 = [among("'", -1, 1), among("'s'", 0, 1), among("'s", -1, 1)];
  var A2 = [among("ied", -1, 2), among("s", -1, 3), among("ies", 1, 2), among("sses", 1, 1), among("ss", 1, -1), among("us", 1, -1)];
  var A3 = [among("succ", -1, 1), among("proc", -1, 1), among("exc", -1, 1)];
  var A4 = [among("even", -1, 2), among("cann", -1, 2), among("inn", -1, 2), among("earr", -1, 2), among("herr", -1, 2),
            among("out", -1, 2), among("y", -1, 1)];
  var A5 = [among("", -1, -1), among("ed", 0, 2), among("eed", 1, 1), among("ing", 0, 3), among("edly", 0, 2),
            among("eedly", 4, 1), among("ingly", 0, 2)];
  var A6 = [among("", -1, 3), among("bb", 0, 2), among("dd", 0, 2), among("ff", 0, 2), among("gg", 0, 2), among("bl", 0, 1),
            among("mm", 0, 2), among("nn", 0, 2), among("pp", 0, 2), among("rr", 0, 2), among("at", 0, 1), among("tt", 0, 2),
            among("iz", 0, 1)];
  var A7 = [among("anci", -1, 3), among("enci", -1, 2), among("ogi", -1, 14), among("li", -1, 16), among("bli", 3, 12),
            among("abli", 4, 4), among("alli", 3, 8), among("fulli", 3, 9), among("lessli", 3, 15), among("ousli", 3, 10),
            among("entli", 3, 5), among("aliti", -1, 8), among("biliti", -1, 12), among("iviti", -1, 11),
            among("tional", -1, 1), among("ational", 14, 7), among("alism", -1, 8), among("ation", -1, 7),
            among("ization", 17, 6), among("izer", -1, 6), among("ator", -1, 7), among("iveness", -1, 11),
            among("fulness", -1, 9), among("ousness", -1, 10), among("ogist", -1, 13)];
  var A8 = [among("icate", -1, 4), among("ative", -1, 6), among("alize", -1, 3), among("iciti", -1, 4), among("ical", -1, 4),
            among("tional", -1, 1), among("ational", 5, 2), among("ful", -1, 5), among("ness", -1, 5)];
  var A9 = [among("ic", -1, 1), among("ance", -1, 1), among("ence", -1, 1), among("able", -1, 1), among("ible", -1, 1),
            among("ate", -1, 1), among("ive", -1, 1), among("ize", -1, 1), among("iti", -1, 1), among("al", -1, 1),
            among("ism", -1, 1), among("ion", -1, 2), among("er", -1, 1), among("ous", -1, 1), among("ant", -1, 1),
            among("ent", -1, 1), among("ment", 15, 1), among("ement", 16, 1)];
  var A10 = [among("e", -1, 1), among("l", -1, 2)];
  var A11 = [among("andes", -1, -1), among("atlas", -1, -1), among("bias", -1, -1), among("cosmos", -1, -1),
             among("early", -1, 6), among("gently", -1, 4), among("howe", -1, -1), among("idly", -1, 3),
             among("news", -1, -1), among("only", -1, 7), among("singly", -1, 8), among("skies", -1, 2),
             among("skis", -1, 1), among("sky", -1, -1), among("ugly", -1, 5)];
  var AS11 = ["ski", "sky", "idl", "gentl", "ugli", "earli", "onli", "singl"];
  var G_AEO = "aeo", G_V = "aeiouy", G_V_WXY = "Yaeiouwxy", G_VALID_LI = "cdeghkmnrt";

  function Stemmer(word) {
    this.current = word; this.cursor = 0; this.limit = word.length; this.limitBackward = 0;
    this.bra = 0; this.ket = this.limit; this.yFound = false; this.p1 = 0; this.p2 = 0;
  }
  var S = Stemmer.prototype;
  S.inGrouping = function (s) {
    if (this.cursor >= this.limit || s.indexOf(this.current.charAt(this.cursor)) < 0) return false;
    this.cursor++; return true;
  };
  S.goInGrouping = function (s) {
    while (this.cursor < this.limit) { if (s.indexOf(this.current.charAt(this.cursor)) < 0) return true; this.cursor++; }
    return false;
  };
  S.inGroupingB = function (s) {
    if (this.cursor <= this.limitBackward || s.indexOf(this.current.charAt(this.cursor - 1)) < 0) return false;
    this.cursor--; return true;
  };
  S.goOutGrouping = function (s) {
    while (this.cursor < this.limit) { if (s.indexOf(this.current.charAt(this.cursor)) >= 0) return true; this.cursor++; }
    return false;
  };
  S.outGroupingB = function (s) {
    if (this.cursor <= this.limitBackward || s.indexOf(this.current.charAt(this.cursor - 1)) >= 0) return false;
    this.cursor--; return true;
  };
  S.goOutGroupingB = function (s) {
    while (this.cursor > this.limitBackward) { if (s.indexOf(this.current.charAt(this.cursor - 1)) >= 0) return true; this.cursor--; }
    return false;
  };
  S.eqSB = function (s) {
    if (this.cursor - this.limitBackward < s.length || this.current.slice(this.cursor - s.length, this.cursor) !== s) return false;
    this.cursor -= s.length; return true;
  };
  S.charIsB = function (c) {  // the character before the cursor is c: step over it
    if (this.cursor <= this.limitBackward || this.current.charAt(this.cursor - 1) !== c) return false;
    this.cursor--; return true;
  };
  S.findAmong = function (v) {
    var i = 0, j = v.length, c = this.cursor, l = this.limit, commonI = 0, commonJ = 0, firstKeyInspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0, common = Math.min(commonI, commonJ), w = v[k];
      for (var i2 = common; i2 < w.s.length; i2++) {
        if (c + common === l) { diff = -1; break; }
        diff = this.current.charCodeAt(c + common) - w.s.charCodeAt(i2);
        if (diff !== 0) break;
        common++;
      }
      if (diff < 0) { j = k; commonJ = common; } else { i = k; commonI = common; }
      if (j - i <= 1) {
        if (i > 0 || j === i || firstKeyInspected) break;
        firstKeyInspected = true;
      }
    }
    for (;;) {
      var x = v[i];
      if (commonI >= x.s.length) {
        this.cursor = c + x.s.length;
        if (!x.method) return x.result;
        if (x.method.call(this)) { this.cursor = c + x.s.length; return x.result; }
      }
      i = x.substring;
      if (i < 0) return 0;
    }
  };
  S.findAmongB = function (v) {
    var i = 0, j = v.length, c = this.cursor, lb = this.limitBackward, commonI = 0, commonJ = 0, firstKeyInspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0, common = Math.min(commonI, commonJ), w = v[k];
      for (var i2 = w.s.length - 1 - common; i2 >= 0; i2--) {
        if (c - common === lb) { diff = -1; break; }
        diff = this.current.charCodeAt(c - 1 - common) - w.s.charCodeAt(i2);
        if (diff !== 0) break;
        common++;
      }
      if (diff < 0) { j = k; commonJ = common; } else { i = k; commonI = common; }
      if (j - i <= 1) {
        if (i > 0 || j === i || firstKeyInspected) break;
        firstKeyInspected = true;
      }
    }
    for (;;) {
      var x = v[i];
      if (commonI >= x.s.length) {
        this.cursor = c - x.s.length;
        if (!x.method) return x.result;
        if (x.method.call(this)) { this.cursor = c - x.s.length; return x.result; }
      }
      i = x.substring;
      if (i < 0) return 0;
    }
  };
  S.replaceS = function (cBra, cKet, s) {
    var adjustment = s.length - (cKet - cBra);
    this.current = this.current.slice(0, cBra) + s + this.current.slice(cKet);
    this.limit += adjustment;
    if (this.cursor >= cKet) this.cursor += adjustment; else if (this.cursor > cBra) this.cursor = cBra;
    return adjustment;
  };
  S.sliceFrom = function (s) { this.replaceS(this.bra, this.ket, s); this.ket = this.bra + s.length; };
  S.sliceDel = function () { this.sliceFrom(""); };

  S.prelude = function () {
    this.yFound = false;
    var v1 = this.cursor;
    this.bra = this.cursor;
    if (this.cursor < this.limit && this.current.charAt(this.cursor) === "'") { this.cursor++; this.ket = this.cursor; this.sliceDel(); }
    this.cursor = v1;
    this.bra = this.cursor;
    if (this.cursor < this.limit && this.current.charAt(this.cursor) === "y") {
      this.cursor++; this.ket = this.cursor; this.sliceFrom("Y"); this.yFound = true;
    }
    this.cursor = v1;
    for (;;) {
      var v4 = this.cursor, found = false;
      for (;;) {
        var v5 = this.cursor;
        if (this.inGrouping(G_V)) {
          this.bra = this.cursor;
          if (this.cursor < this.limit && this.current.charAt(this.cursor) === "y") {
            this.cursor++; this.ket = this.cursor; this.cursor = v5; found = true; break;
          }
        }
        this.cursor = v5;
        if (this.cursor >= this.limit) break;
        this.cursor++;
      }
      if (!found) { this.cursor = v4; break; }
      this.sliceFrom("Y");
      this.yFound = true;
    }
    this.cursor = v1;
  };

  S.markRegions = function () {
    this.p1 = this.limit; this.p2 = this.limit;
    var v1 = this.cursor;
    lab0: {
      var v2 = this.cursor;
      if (this.findAmong(A0) === 0) {
        this.cursor = v2;
        if (!this.goOutGrouping(G_V)) break lab0;
        this.cursor++;
        if (!this.goInGrouping(G_V)) break lab0;
        this.cursor++;
      }
      this.p1 = this.cursor;
      if (!this.goOutGrouping(G_V)) break lab0;
      this.cursor++;
      if (!this.goInGrouping(G_V)) break lab0;
      this.cursor++;
      this.p2 = this.cursor;
    }
    this.cursor = v1;
  };

  S.shortV = function () {
    var v1 = this.limit - this.cursor;
    if (this.outGroupingB(G_V_WXY) && this.inGroupingB(G_V) && this.outGroupingB(G_V)) return true;
    this.cursor = this.limit - v1;
    if (this.outGroupingB(G_V) && this.inGroupingB(G_V) && !(this.cursor > this.limitBackward)) return true;
    this.cursor = this.limit - v1;
    return this.eqSB("past");
  };
  S.r1 = function () { return this.p1 <= this.cursor; };
  S.r2 = function () { return this.p2 <= this.cursor; };

  S.step1a = function () {
    var v1 = this.limit - this.cursor;
    this.ket = this.cursor;
    if (this.findAmongB(A1) === 0) this.cursor = this.limit - v1;
    else { this.bra = this.cursor; this.sliceDel(); }
    this.ket = this.cursor;
    var amongVar = this.findAmongB(A2);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (amongVar === 1) this.sliceFrom("ss");
    else if (amongVar === 2) {
      var v2 = this.limit - this.cursor;
      if (this.cursor - 2 >= this.limitBackward) { this.cursor -= 2; this.sliceFrom("i"); }
      else { this.cursor = this.limit - v2; this.sliceFrom("ie"); }
    } else if (amongVar === 3) {
      if (this.cursor <= this.limitBackward) return false;
      this.cursor--;
      if (!this.goOutGroupingB(G_V)) return false;
      this.cursor--;
      this.sliceDel();
    }
    return true;
  };

  S.step1b = function () {
    this.ket = this.cursor;
    var amongVar = this.findAmongB(A5);
    this.bra = this.cursor;
    var v1 = this.limit - this.cursor;
    lab0: {
      if (amongVar === 1) {
        var v2 = this.limit - this.cursor;
        if (this.r1()) {
          var v3 = this.limit - this.cursor;
          if (!(this.findAmongB(A3) !== 0 && !(this.cursor > this.limitBackward))) {
            this.cursor = this.limit - v3;
            this.sliceFrom("ee");
          }
        }
        this.cursor = this.limit - v2;
      } else if (amongVar === 2) {
        break lab0;
      } else if (amongVar === 3) {
        amongVar = this.findAmongB(A4);
        if (amongVar === 0) break lab0;
        if (amongVar === 1) {
          var v4 = this.limit - this.cursor;
          if (!this.outGroupingB(G_V)) break lab0;
          if (this.cursor > this.limitBackward) break lab0;
          this.cursor = this.limit - v4;
          this.bra = this.cursor;
          this.sliceFrom("ie");
        } else if (this.cursor > this.limitBackward) break lab0;
      }
      return true;
    }
    this.cursor = this.limit - v1;
    var v5 = this.limit - this.cursor;
    if (!this.goOutGroupingB(G_V)) return false;
    this.cursor--;
    this.cursor = this.limit - v5;
    this.sliceDel();
    this.ket = this.cursor;
    this.bra = this.cursor;
    var v6 = this.limit - this.cursor;
    amongVar = this.findAmongB(A6);
    if (amongVar === 1) { this.sliceFrom("e"); return false; }
    else if (amongVar === 2) {
      var v7 = this.limit - this.cursor;
      if (this.inGroupingB(G_AEO) && !(this.cursor > this.limitBackward)) return false;
      this.cursor = this.limit - v7;
    } else {
      if (this.cursor !== this.p1) return false;
      var v8 = this.limit - this.cursor;
      if (!this.shortV()) return false;
      this.cursor = this.limit - v8;
      this.sliceFrom("e");
      return false;
    }
    this.cursor = this.limit - v6;
    this.ket = this.cursor;
    if (this.cursor <= this.limitBackward) return false;
    this.cursor--;
    this.bra = this.cursor;
    this.sliceDel();
    return true;
  };

  S.step1c = function () {
    this.ket = this.cursor;
    if (!this.charIsB("y") && !this.charIsB("Y")) return false;
    this.bra = this.cursor;
    if (!this.outGroupingB(G_V)) return false;
    if (this.cursor <= this.limitBackward) return false;
    this.sliceFrom("i");
    return true;
  };

  var STEP2 = [null, "tion", "ence", "ance", "able", "ent", "ize", "ate", "al", "ful", "ous", "ive", "ble", "og"];
  S.step2 = function () {
    this.ket = this.cursor;
    var amongVar = this.findAmongB(A7);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (!this.r1()) return false;
    if (amongVar <= 13) this.sliceFrom(STEP2[amongVar]);
    else if (amongVar === 14) { if (!this.charIsB("l")) return false; this.sliceFrom("og"); }
    else if (amongVar === 15) this.sliceFrom("less");
    else { if (!this.inGroupingB(G_VALID_LI)) return false; this.sliceDel(); }
    return true;
  };

  S.step3 = function () {
    this.ket = this.cursor;
    var amongVar = this.findAmongB(A8);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (!this.r1()) return false;
    if (amongVar === 1) this.sliceFrom("tion");
    else if (amongVar === 2) this.sliceFrom("ate");
    else if (amongVar === 3) this.sliceFrom("al");
    else if (amongVar === 4) this.sliceFrom("ic");
    else if (amongVar === 5) this.sliceDel();
    else { if (!this.r2()) return false; this.sliceDel(); }
    return true;
  };

  S.step4 = function () {
    this.ket = this.cursor;
    var amongVar = this.findAmongB(A9);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (!this.r2()) return false;
    if (amongVar === 1) this.sliceDel();
    else { if (!this.charIsB("s") && !this.charIsB("t")) return false; this.sliceDel(); }
    return true;
  };

  S.step5 = function () {
    this.ket = this.cursor;
    var amongVar = this.findAmongB(A10);
    if (amongVar === 0) return false;
    this.bra = this.cursor;
    if (amongVar === 1) {
      if (!this.r2()) {
        if (!this.r1()) return false;
        var v1 = this.limit - this.cursor;
        if (this.shortV()) return false;
        this.cursor = this.limit - v1;
      }
      this.sliceDel();
    } else {
      if (!this.r2()) return false;
      if (!this.charIsB("l")) return false;
      this.sliceDel();
    }
    return true;
  };

  S.exception1 = function () {
    this.bra = this.cursor;
    var amongVar = this.findAmong(A11);
    if (amongVar === 0) return false;
    this.ket = this.cursor;
    if (this.cursor < this.limit) return false;
    if (amongVar > 0) this.sliceFrom(AS11[amongVar - 1]);
    return true;
  };

  S.postlude = function () {
    if (!this.yFound) return;
    for (;;) {
      var v1 = this.cursor, found = false;
      for (;;) {
        var v2 = this.cursor;
        this.bra = this.cursor;
        if (this.cursor < this.limit && this.current.charAt(this.cursor) === "Y") {
          this.cursor++; this.ket = this.cursor; this.cursor = v2; found = true; break;
        }
        this.cursor = v2;
        if (this.cursor >= this.limit) break;
        this.cursor++;
      }
      if (!found) { this.cursor = v1; break; }
      this.sliceFrom("y");
    }
  };

  S.stem = function () {
    var v1 = this.cursor;
    if (this.exception1()) return;
    this.cursor = v1;
    if (this.cursor + 3 > this.limit) return;
    this.cursor = v1;
    this.prelude();
    this.markRegions();
    this.limitBackward = this.cursor;
    this.cursor = this.limit;
    var steps = [this.step1a, this.step1b, this.step1c, this.step2, this.step3, this.step4, this.step5];
    for (var i = 0; i < steps.length; i++) {
      var v = this.limit - this.cursor;
      steps[i].call(this);
      this.cursor = this.limit - v;
    }
    this.cursor = this.limitBackward;
    this.postlude();
  };

  var STEMMABLE = /^[a-z0-9]+$/;
  function stem(word) {
    if (!STEMMABLE.test(word)) return word;
    var stemmer = new Stemmer(word);
    stemmer.stem();
    return stemmer.current;
  }

  if (typeof module === "object" && module.exports) module.exports = stem;
  else root.explainerStem = stem;
})(this);
