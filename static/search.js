/* explainer search: reads the index the build writes (explainer/search.py), on the search page only.
   No server and no third-party code: a query fetches one small term file per word, then the
   passages of the best results. Words are split exactly as words() in search.py does, and reduced
   to their Snowball English stem by stemmer.js, the algorithm the indexer uses.

   Ranking (docs/search.md): BM25F over the weighted counts in the term files; every word must
   match, by its stem, by a prefix for the word still being typed, or, for a word found nowhere,
   by a close spelling. Then the best RERANK pages are read whole: a page whose name or alias is
   the query, a passage holding the words as a phrase, or all of them close together, moves up. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  if (!form || !window.fetch || !window.Map || !window.explainerStem) return;
  var stems = new Map();  // word → stem, for the passages read again and again
  function stem(word) {
    var known = stems.get(word);
    if (known === undefined) { known = window.explainerStem(word); stems.set(word, known); }
    return known;
  }
  var base = form.getAttribute("data-index");
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var kindsBox = document.getElementById("search-kinds");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE_SIZE = 10, KEY_LENGTH = 3, PASSAGES = 3, EXCERPT_WORDS = 30, RERANK = 20, NEAR = 8;
  var BONUS = { name: 4, phrase: 2, copiedPhrase: 1, near: 0.5 };  // the score is multiplied by 1 + the best that applies
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var WORD = /[\p{L}\p{N}]{2,}/gu;
  var EDGES = /^([^\p{L}\p{N}]*)([\s\S]*?)([^\p{L}\p{N}]*)$/u;
  var files = new Map();  // path → promise of its JSON (null for a term file that does not exist)
  var asked = 0;  // the latest query; answers to older ones are dropped
  var state = { query: "", terms: [], ranked: [], visible: [], shown: 0, kind: "", meta: null, seen: new Set() };

  function normalise(text) {
    text = text.toLowerCase();
    return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize("NFKD").replace(MARKS, "").toLowerCase();
  }
  function words(text) { return normalise(text).match(WORD) || []; }
  function length(text) { return Array.from(text).length; }
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
  function pageFile(page) { return load("pages/" + page + ".json"); }

  /* The query's words, each with its stem; the last one is still being typed (a prefix) unless
     the query ends with a space. */
  function parse(query) {
    var all = words(query), typing = !/\s$/.test(query), terms = [];
    all.forEach(function (word, i) {
      if (terms.some(function (t) { return t.word === word; })) return;
      terms.push({ word: word, stem: stem(word), prefix: typing && i === all.length - 1 && length(word) >= KEY_LENGTH });
    });
    return terms;
  }

  /* Edit distance (with transpositions) between a and b, or limit + 1 once it is beyond limit. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var before = null, previous = [], current;
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      current = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
        current.push(value);
        best = Math.min(best, value);
      }
      if (best > limit) return limit + 1;
      before = previous; previous = current;
    }
    return previous[b.length];
  }

  /* The index keys a query word matches, each with a weight: its stem (1), for the word being typed
     the keys that start with it (less, the more they add), and only when neither is there, the keys
     one or two edits away (a misspelling; from five letters on). */
  function matches(term, shards) {
    var found = new Map(), stemKey = term.stem;
    shards.forEach(function (terms) {
      if (!terms) return;
      if (terms[stemKey]) found.set(stemKey, 1);
    });
    if (term.prefix) {
      var exact = found.size > 0, similar = function (key) {
        // a longer word counts for less the more it adds, and much less than the word itself
        return (exact ? 0.3 : 0.5) + 0.4 * Math.min(stemKey.length, key.length) / Math.max(stemKey.length, key.length);
      };
      eachKey(shards, function (key) {
        if (!found.has(key) && (key.lastIndexOf(term.word, 0) === 0 || key.lastIndexOf(stemKey, 0) === 0)) found.set(key, similar(key));
      });
      // none: a stem shorter than the word typed so far ("negotiat": "negoti", of "negotiating")
      if (!found.size) eachKey(shards, function (key) {
        if (term.word.lastIndexOf(key, 0) === 0 && key.length > KEY_LENGTH && key.length >= term.word.length - 3) found.set(key, similar(key));
      });
    }
    if (found.size || length(term.word) < 5) return found;
    var limit = length(term.word) >= 8 ? 2 : 1;
    eachKey(shards, function (key) {
      var d = Math.min(distance(key, stemKey, limit), distance(key, term.word, limit));
      if (d <= limit) found.set(key, 0.5 / Math.max(d, 1));
    });
    return found;
  }

  function eachKey(shards, visit) {
    shards.forEach(function (terms) { if (terms) Object.keys(terms).forEach(visit); });
  }

  /* BM25 scores of the pages that hold any key a query word matches (the best key counts); a
     page's length is compared with the average of its kind (an article with an entity page's). */
  function scores(keys, shards, meta) {
    var result = new Map(), k1 = meta.k1, b = meta.b;
    keys.forEach(function (weight, key) {
      var entry = null;
      shards.forEach(function (terms) { if (terms && terms[key]) entry = terms[key]; });
      if (!entry) return;
      var gaps = entry[0], counts = entry[1], page = 0;
      var idf = Math.log(1 + (meta.pages - gaps.length + 0.5) / (gaps.length + 0.5));
      for (var i = 0; i < gaps.length; i++) {
        page += gaps[i];
        var norm = k1 * (1 - b + b * (meta.lengths[page] || 0) / (meta.averages[meta.kind[page]] || 1));
        var score = weight * idf * counts[i] * (k1 + 1) / (counts[i] + norm);
        if (!(result.get(page) >= score)) result.set(page, score);
      }
    });
    return result;
  }

  /* Which query word each word of a text is (-1 for none), by the keys the words matched. */
  function tagWords(list, terms) {
    return list.map(function (word) {
      var key = stem(word);
      for (var t = 0; t < terms.length; t++) if (terms[t].keys.has(key)) return t;
      return -1;
    });
  }

  /* How well a passage answers the query: the words it holds, as a phrase, or close together. */
  function judge(text, terms) { return judgeTags(tagWords(words(text), terms), terms); }

  /* The same, from the query word each word of the passage is (-1 for none); `focus` is where
     the phrase starts, else where all the words are close, else the first word found. */
  function judgeTags(tags, terms) {
    var held = new Set(), phraseAt = -1, nearAt = -1, first = -1, hits = 0;
    tags.forEach(function (tag, i) {
      if (tag < 0) return;
      held.add(tag);
      hits++;
      if (first < 0) first = i;
      if (terms.length > 1 && tag === 0) {
        var inOrder = true, window = new Set();
        for (var t = 0; t < terms.length; t++) if (tags[i + t] !== t) inOrder = false;
        for (var j = i; j < Math.min(tags.length, i + NEAR); j++) if (tags[j] >= 0) window.add(tags[j]);
        if (inOrder && phraseAt < 0) phraseAt = i;
        if (window.size === terms.length && nearAt < 0) nearAt = i;
      }
    });
    return { held: held.size, all: held.size === terms.length, phrase: phraseAt >= 0, near: nearAt >= 0,
             hits: hits, focus: phraseAt >= 0 ? phraseAt : nearAt >= 0 ? nearAt : first };
  }

  /* Whether a name is the query: its words, in order, are the query's (by what each matched). */
  function named(name, terms) {
    var tags = tagWords(words(name), terms);
    return tags.length === terms.length && tags.every(function (tag, i) { return tag === i; });
  }

  function names(page) { return [page.title].concat(page.names || []); }

  /* The bonus a page's passages and names earn it. */
  function bonus(page, terms) {
    if (names(page).some(function (name) { return named(name, terms); })) return BONUS.name;
    var best = 0;
    page.blocks.forEach(function (block) {
      var verdict = judge(block[1], terms);
      // (a passage repeated from another page, such as a quote or an event, earns less than the original)
      if (verdict.phrase) best = Math.max(best, block[2] === "copy" ? BONUS.copiedPhrase : BONUS.phrase);
      else if (verdict.near && verdict.all) best = Math.max(best, BONUS.near);
    });
    return best;
  }

  /* The text of a passage as nodes, cut to a window around its first hit, hits in <mark>. */
  function excerpt(text, terms) {
    var tokens = text.split(/\s+/), tags = [], tokenOf = [];
    var marked = tokens.map(function (token, i) {
      var found = tagWords(words(token), terms);
      found.forEach(function (tag) { tags.push(tag); tokenOf.push(i); });
      return found.some(function (t) { return t >= 0; });
    });
    var focus = judgeTags(tags, terms).focus;  // the window opens a little before the phrase
    var start = Math.max(0, (focus < 0 ? 0 : tokenOf[focus]) - 8), end = Math.min(tokens.length, start + EXCERPT_WORDS);
    var nodes = [], plain = start > 0 ? "… " : "";
    for (var i = start; i < end; i++) {
      var gap = i > start ? " " : "";
      if (marked[i]) {  // the word in <mark>, its quotes and punctuation outside
        var parts = EDGES.exec(tokens[i]);
        nodes.push(document.createTextNode(plain + gap + parts[1]));
        var mark = document.createElement("mark");
        mark.textContent = parts[2];
        nodes.push(mark);
        plain = parts[3];
      } else {
        plain += gap + tokens[i];
      }
    }
    nodes.push(document.createTextNode(plain + (end < tokens.length ? " …" : "")));
    return nodes;
  }

  function safeUrl(url) { return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null; }

  function element(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  /* The page's passages that hold query words, and its summary, best first: the summary when the
     query is the page's name; one holding the words as a phrase; the summary when it holds them
     all; then by closeness, how many words and hits; the summary last (when nothing else holds
     the words). A passage repeated from another page (an event or a quote on an entity page) comes
     after the page's own. */
  function passagesOf(page, terms) {
    var title = normalise(page.title), isNamed = names(page).some(function (name) { return named(name, terms); });
    return page.blocks.map(function (block, at) {
      var verdict = judge(block[1], terms), copy = block[2] === "copy", summary = block[2] === "summary";
      var rank = verdict.held * 10 + Math.min(verdict.hits, 5) - (copy ? 15 : 0) +
                 (verdict.phrase ? (copy ? 10 : 60) : verdict.near && verdict.all ? 20 : 0) +
                 (summary && (verdict.all || isNamed) ? 30 + (isNamed ? 100 : 0) : 0) -
                 (summary && !verdict.held && !isNamed ? 100 : 0);
      return { anchor: block[0], text: block[1], at: at, rank: rank, copy: copy,
               shown: (verdict.held > 0 || summary) && normalise(block[1]) !== title };
    }).filter(function (p) { return p.shown; }).sort(function (a, b) { return b.rank - a.rank || a.at - b.at; });
  }

  function passageLink(url, passage, nodes) {
    if (!passage.anchor || passage.anchor === "main") return null;
    var link = element("a", "", nodes);
    link.href = url + "#" + encodeURIComponent(passage.anchor);
    return link;
  }

  function fill(item, page, terms) {
    var url = safeUrl(page && page.url);
    if (!url) { item.remove(); return; }
    var link = element("a", "", [page.title]);
    link.href = url;
    var heading = element("h2", "", [link]);
    if (normalise(page.kind) !== normalise(page.title)) heading.append(" ", element("span", "tag search-kind", [page.kind]));
    item.replaceChildren(heading);
    // never an excerpt already shown in this list (the same timeline event on two entity pages,
    // a key point that repeats the article's words)
    function fresh(p) {
      p.nodes = excerpt(p.text, terms);
      // (by its first words: two passages can share a sentence and differ further on)
      p.key = words(p.nodes.map(function (node) { return node.textContent; }).join("")).slice(0, 12).join(" ");
      return !state.seen.has(p.key);
    }
    var passages = passagesOf(page, terms), best = passages.find(fresh);
    if (!best) return;
    state.seen.add(best.key);
    item.append(element("p", "search-excerpt", [passageLink(url, best, best.nodes) || element("span", "", best.nodes)]));
    var anchors = new Set([best.anchor]), links = [];
    passages.forEach(function (p) {
      // (links go to the page's own passages: a copy's original is a result of its own)
      if (links.length >= PASSAGES || p.copy || anchors.has(p.anchor) || !p.anchor || p.anchor === "main" || !fresh(p)) return;
      anchors.add(p.anchor);
      state.seen.add(p.key);
      links.push(element("li", "", [passageLink(url, p, p.nodes)]));
    });
    if (links.length) item.append(element("ul", "search-passages", links));
  }

  /* The next PAGE_SIZE results: their page files are fetched together, then filled in order, so
     that which passage a result shows (never one shown above it) does not depend on timing. */
  function showMore(token) {
    var batch = state.visible.slice(state.shown, state.shown + PAGE_SIZE);
    var items = batch.map(function () {
      var item = element("li", "search-result", [element("p", "search-loading", ["Loading…"])]);
      list.append(item);
      return item;
    });
    state.shown += batch.length;
    more.hidden = state.shown >= state.visible.length;
    var loads = batch.map(function (result) { return pageFile(result.page).catch(function () { return undefined; }); });
    return Promise.all(loads).then(function (pages) {
      if (token !== asked) return 0;
      pages.forEach(function (page, i) {
        if (page === undefined) items[i].replaceChildren(element("p", "", ["This result could not be loaded."]));
        else fill(items[i], page, state.terms);
      });
      return items.length;
    });
  }

  function say(text) { status.textContent = text; }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  /* The kinds of page among the results, each with its count, as radio buttons ("All" first). */
  function showKinds() {
    var counts = new Map();
    state.ranked.forEach(function (result) { counts.set(result.kind, (counts.get(result.kind) || 0) + 1); });
    var kinds = Array.from(counts.keys()).sort();
    if (state.kind && !counts.has(state.kind)) kinds.push(state.kind);
    kindsBox.hidden = state.ranked.length === 0;
    var choices = [["", "All", state.ranked.length]].concat(kinds.map(function (k) { return [k, k, counts.get(k) || 0]; }));
    var options = choices.map(function (choice) {
      var radio = element("input");
      radio.type = "radio"; radio.name = "kind"; radio.value = choice[0];
      radio.checked = choice[0] === state.kind;
      var label = element("label", "search-kind-choice", [radio, " " + choice[1] + " ", element("span", "count", ["(" + choice[2] + ")"])]);
      return label;
    });
    kindsBox.querySelector(".search-kind-choices").replaceChildren.apply(kindsBox.querySelector(".search-kind-choices"), options);
  }

  function keepInUrl() {
    var url = new URL(location.href);
    var query = state.query.trim();
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    if (state.kind) url.searchParams.set("kind", state.kind); else url.searchParams.delete("kind");
    history.replaceState(null, "", url);
  }

  /* Show the ranked results of the chosen kind, from the first. */
  function present(token) {
    state.visible = state.kind ? state.ranked.filter(function (r) { return r.kind === state.kind; }) : state.ranked;
    state.shown = 0;
    state.seen = new Set();
    list.replaceChildren();
    showKinds();
    keepInUrl();
    var label = "“" + state.query.trim() + "”";
    if (!state.ranked.length) say("No results for " + label + ". Every word must be on the page; try fewer words.");
    else if (state.kind) say(state.visible.length + " of " + plural(state.ranked.length, "result", "results") + " for " + label + ": " + state.kind + " only.");
    else say(plural(state.ranked.length, "result", "results") + " for " + label);
    return showMore(token);
  }

  function search(query) {
    var token = ++asked;
    state.query = query;
    state.terms = parse(query);
    state.ranked = [];
    more.hidden = true;
    if (!state.terms.length) {
      list.replaceChildren();
      kindsBox.hidden = true;
      keepInUrl();
      say(query.trim() ? "Type at least two letters or digits." : "");
      return Promise.resolve();
    }
    say("Searching…");
    var terms = state.terms;
    var shardLists = terms.map(function (t) {
      var names = [termFile(t.stem)];
      if (t.prefix && names.indexOf(termFile(t.word)) < 0) names.push(termFile(t.word));
      return Promise.all(names.map(function (name) { return load("terms/" + name + ".json"); }));
    });
    return Promise.all([load("meta.json")].concat(shardLists)).then(function (loaded) {
      if (token !== asked) return null;
      var meta = state.meta = loaded[0];
      var perWord = terms.map(function (t, i) {
        t.keys = matches(t, loaded[i + 1]);
        return scores(t.keys, loaded[i + 1], meta);
      });
      perWord.sort(function (a, b) { return a.size - b.size; });
      var totals = new Map(perWord[0]);
      perWord.slice(1).forEach(function (other) {
        totals.forEach(function (score, page) {
          if (other.has(page)) totals.set(page, score + other.get(page)); else totals.delete(page);
        });
      });
      var ranked = Array.from(totals.keys()).map(function (page) {
        return { page: page, score: totals.get(page), kind: meta.kinds[meta.kind[page]] || "" };
      });
      ranked.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
      var top = ranked.slice(0, RERANK);
      return Promise.all(top.map(function (r) { return pageFile(r.page).catch(function () { return null; }); })).then(function (pages) {
        if (token !== asked) return null;
        pages.forEach(function (page, i) { if (page) top[i].score *= 1 + bonus(page, terms); });
        state.ranked = top.sort(function (a, b) { return b.score - a.score || a.page - b.page; }).concat(ranked.slice(RERANK));
        return present(token);
      });
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
  kindsBox.addEventListener("change", function (event) {
    if (event.target.name !== "kind") return;
    state.kind = event.target.value;
    present(asked);
  });
  more.addEventListener("click", function () {
    var first = state.shown;
    showMore(asked).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();  // keyboard users continue where the new results start
    });
  });

  // The script runs: the directions for readers without it give way to the search itself.
  document.getElementById("search-nojs").hidden = true;
  document.getElementById("search-help").hidden = false;  // (what it says is true only of the script)
  document.getElementById("search-fallback").hidden = false;

  // For the browser tests, which check that this script splits words and stems them as the index does.
  window.explainerSearch = { words: words, termFile: termFile, stem: stem };

  var params = new URLSearchParams(location.search);
  state.kind = params.get("kind") || "";
  var initial = params.get("q");
  if (initial) { input.value = initial; search(initial); }
})();
