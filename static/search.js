/* explainer search: reads the index the build writes (explainer/search.py), on the search page only.
   No server and no third-party code: a query fetches one small term file per word, then the
   passages of the results it shows. Words are split exactly as words() in search.py does. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  if (!form || !window.fetch || !window.Map) return;
  var base = form.getAttribute("data-index");
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE_SIZE = 10, KEY_LENGTH = 3, PASSAGES = 3, EXCERPT_WORDS = 30;
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var WORD = /[\p{L}\p{N}]{2,}/gu;
  var files = new Map();  // path → promise of its JSON (null for a term file that does not exist)
  var asked = 0;  // the latest query; answers to older ones are dropped
  var ranked = [], shown = 0, wanted = [];

  function normalise(text) {
    text = text.toLowerCase();
    return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKD").replace(MARKS, "").toLowerCase();
  }
  function words(text) { return normalise(text).match(WORD) || []; }
  function termFile(term) {
    var key = Array.from(term).slice(0, KEY_LENGTH).join("");
    if (/^[a-z0-9]+$/.test(key)) return key;
    return "u" + Array.from(key).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function load(path) {
    if (!files.has(path)) {
      var promise = fetch(base + path).then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error(path + ": HTTP " + response.status);
        return response.json();
      });
      promise.catch(function () { files.delete(path); });  // try again on the next query
      files.set(path, promise);
    }
    return files.get(path);
  }

  /* BM25 scores of the pages a query word is on. It finds itself and, from three characters
     on, every longer word it begins; a longer word counts for less the more it adds. */
  function found(word, terms, meta) {
    var scores = new Map();
    if (!terms) return scores;
    var prefix = Array.from(word).length >= KEY_LENGTH;
    var k1 = meta.k1, b = meta.b, average = meta.average || 1;
    Object.keys(terms).forEach(function (term) {
      if (term !== word && !(prefix && term.lastIndexOf(word, 0) === 0)) return;
      var weight = term === word ? 1 : 0.5 + 0.5 * word.length / term.length;
      var gaps = terms[term][0], counts = terms[term][1], page = 0;
      var idf = Math.log(1 + (meta.pages - gaps.length + 0.5) / (gaps.length + 0.5));
      for (var i = 0; i < gaps.length; i++) {
        page += gaps[i];
        var norm = k1 * (1 - b + b * (meta.lengths[page] || 0) / average);
        var score = weight * idf * counts[i] * (k1 + 1) / (counts[i] + norm);
        if (!(scores.get(page) >= score)) scores.set(page, score);
      }
    });
    return scores;
  }

  function matchesWanted(token) {
    return words(token).some(function (w) {
      return wanted.some(function (q) { return w === q || (Array.from(q).length >= KEY_LENGTH && w.lastIndexOf(q, 0) === 0); });
    });
  }

  /* The text of a passage as nodes, cut to a window around its first hit, hits in <mark>. */
  function excerpt(text) {
    var tokens = text.split(/\s+/), first = -1, hits = 0;
    var marked = tokens.map(function (token, i) {
      var hit = matchesWanted(token);
      if (hit) { hits++; if (first < 0) first = i; }
      return hit;
    });
    var start = Math.max(0, first - 8), end = Math.min(tokens.length, start + EXCERPT_WORDS);
    var nodes = [], plain = start > 0 ? "… " : "";
    for (var i = start; i < end; i++) {
      var gap = i > start ? " " : "";
      if (marked[i]) {
        nodes.push(document.createTextNode(plain + gap));
        var mark = document.createElement("mark");
        mark.textContent = tokens[i];
        nodes.push(mark);
        plain = "";
      } else {
        plain += gap + tokens[i];
      }
    }
    nodes.push(document.createTextNode(plain + (end < tokens.length ? " …" : "")));
    return { nodes: nodes, hits: hits };
  }

  function safeUrl(url) { return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null; }

  function element(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  function fill(item, page) {
    var url = safeUrl(page && page.url);
    if (!url) { item.remove(); return; }
    var link = element("a", "", [page.title]);
    link.href = url;
    var kind = element("span", "tag search-kind", [page.kind]);
    var heading = element("h2", "", [link, " ", kind]);
    var passages = page.blocks.map(function (block, at) {
      var cut = excerpt(block[1]);
      return { anchor: block[0], at: at, cut: cut };
    }).filter(function (p) { return p.cut.hits > 0; });
    passages.sort(function (a, b) { return b.cut.hits - a.cut.hits || a.at - b.at; });
    item.replaceChildren(heading);
    if (!passages.length) return;
    item.append(element("p", "search-excerpt", passages[0].cut.nodes));
    var links = passages.slice(1).filter(function (p) { return p.anchor && p.anchor !== "main"; }).slice(0, PASSAGES);
    if (!links.length) return;
    item.append(element("ul", "search-passages", links.map(function (p) {
      var a = element("a", "", p.cut.nodes);
      a.href = url + "#" + encodeURIComponent(p.anchor);
      return element("li", "", [a]);
    })));
  }

  function showMore(token) {
    var batch = ranked.slice(shown, shown + PAGE_SIZE);
    var items = batch.map(function (page) {
      var item = element("li", "search-result", [element("p", "search-loading", ["Loading…"])]);
      list.append(item);
      return load("pages/" + page + ".json").then(function (data) {
        if (token === asked) fill(item, data);
      }, function () { item.replaceChildren(element("p", "", ["This result could not be loaded."])); });
    });
    shown += batch.length;
    more.hidden = shown >= ranked.length;
    return Promise.all(items).then(function () { return items.length; });
  }

  function say(text) { status.textContent = text; }

  function search(query) {
    var token = ++asked;
    wanted = words(query).filter(function (w, i, all) { return all.indexOf(w) === i; });
    list.replaceChildren();
    more.hidden = true;
    ranked = []; shown = 0;
    var url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query.trim()); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!wanted.length) { say(query.trim() ? "Type at least two letters or digits." : ""); return Promise.resolve(); }
    say("Searching…");
    var shards = wanted.map(function (w) { return load("terms/" + termFile(w) + ".json"); });
    return Promise.all([load("meta.json")].concat(shards)).then(function (loaded) {
      if (token !== asked) return;
      var meta = loaded[0];
      var perWord = wanted.map(function (w, i) { return found(w, loaded[i + 1], meta); });
      perWord.sort(function (a, b) { return a.size - b.size; });
      var totals = new Map(perWord[0]);
      perWord.slice(1).forEach(function (scores) {
        totals.forEach(function (score, page) {
          if (scores.has(page)) totals.set(page, score + scores.get(page)); else totals.delete(page);
        });
      });
      ranked = Array.from(totals.keys()).sort(function (a, b) { return totals.get(b) - totals.get(a) || a - b; });
      var label = "“" + query.trim() + "”";
      say(ranked.length ? ranked.length + (ranked.length === 1 ? " result for " : " results for ") + label
                        : "No results for " + label + ".");
      return showMore(token);
    }).catch(function () {
      if (token === asked) say("Search could not load its index. Browse who’s who, the glossary or the timeline below.");
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  more.addEventListener("click", function () {
    var first = shown;
    showMore(asked).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();  // keyboard users continue where the new results start
    });
  });

  // For the browser tests, which check that this script splits words exactly as the index does.
  window.explainerSearch = { words: words, termFile: termFile };

  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; search(initial); }
})();
