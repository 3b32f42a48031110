/* explainer: progressive enhancement only. Every feature here has a plain-HTML fallback:
   links go to full pages, the timeline shows every event, the search page links the indexes. */
(function () {
  "use strict";

  /* ---------- Preview cards ---------------------------------------------------------------
     Card data is embedded in each page at build time (<script type="application/json" id="card-data">),
     so nothing is fetched. Keyboard focus opens a card at once; a pointer must rest on a link for
     OPEN_DELAY ms (Wikipedia's tested Page Previews timing), so a pointer sweeping across a
     paragraph opens nothing, and the card closes CLOSE_DELAY ms after the pointer leaves link and
     card. Escape closes it; touch: first tap opens, the card's own link navigates. The card is
     tied to its link with aria-describedby. */
  var OPEN_DELAY = 500, CLOSE_DELAY = 300;
  function setupCards() {
    var dataNode = document.getElementById("card-data");
    if (!dataNode) return;
    var cards;
    try { cards = JSON.parse(dataNode.textContent); } catch (e) { return; }

    var card = document.createElement("div");
    card.className = "preview-card";
    card.id = "preview-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    var kind = document.createElement("p"); kind.className = "preview-kind";
    var name = document.createElement("p"); name.className = "preview-name";
    var summary = document.createElement("p"); summary.className = "preview-summary";
    var more = document.createElement("a"); more.className = "preview-more";
    card.append(kind, name, summary, more);

    var current = null, hideTimer = null, showTimer = null, touchOpened = null;

    function place(link) {
      var rect = link.getBoundingClientRect();
      var vw = document.documentElement.clientWidth, vh = window.innerHeight, margin = 8;
      card.style.maxWidth = Math.min(352, vw - 2 * margin) + "px";
      var width = card.offsetWidth, height = card.offsetHeight;
      var left = Math.min(Math.max(margin, rect.left), vw - width - margin);
      // below the link when it fits, otherwise above: never on top of the link itself
      var top = rect.bottom + 6;
      if (top + height > vh - margin && rect.top - height - 6 >= margin) top = rect.top - height - 6;
      card.style.left = Math.round(left + window.scrollX) + "px";
      card.style.top = Math.round(top + window.scrollY) + "px";
    }

    function show(link) {
      var data = cards[link.getAttribute("data-card")];
      if (!data) return;
      // Added on first use (an <a> without href in the page would count as an uncrawlable link), inside
      // <main> so the card sits in a landmark (it is positioned against the page, not against main).
      if (!card.parentNode) (document.getElementById("main") || document.body).appendChild(card);
      clearTimeout(hideTimer);
      if (current && current !== link) current.removeAttribute("aria-describedby");
      kind.textContent = data.kind;
      name.textContent = data.name;
      summary.textContent = data.summary;
      more.textContent = data.kind === "Term" ? "Full definition" : "Open page";
      more.href = data.href;
      more.setAttribute("aria-label", (data.kind === "Term" ? "Full definition of " : "Open the page on ") + data.name);
      card.hidden = false;
      current = link;
      link.setAttribute("aria-describedby", "preview-card");
      place(link);
    }

    function hide(keepPending) {  // keepPending: a timed close leaves another link's pending open alone
      if (keepPending !== true) clearTimeout(showTimer);
      card.hidden = true;
      if (current) current.removeAttribute("aria-describedby");
      current = null;
      touchOpened = null;
    }

    function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(function () { hide(true); }, CLOSE_DELAY); }

    var links = document.querySelectorAll("a[data-card]");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("mouseenter", function () {
        clearTimeout(showTimer);
        // back on the link whose card is open, within CLOSE_DELAY: keep it
        if (current === link && !card.hidden) { clearTimeout(hideTimer); return; }
        showTimer = setTimeout(function () { show(link); }, OPEN_DELAY);
      });
      link.addEventListener("mouseleave", function () { clearTimeout(showTimer); hideSoon(); });
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("blur", function (event) {
        if (!card.contains(event.relatedTarget)) hideSoon();
      });
      link.addEventListener("touchstart", function () { link.dataset.touched = "1"; }, { passive: true });
      link.addEventListener("click", function (event) {
        if (link.dataset.touched !== "1") return;
        delete link.dataset.touched;
        if (touchOpened !== link) {  // first tap opens the card; the card's link (or a second tap) navigates
          event.preventDefault();
          show(link);
          touchOpened = link;
        }
      });
    });
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", hideSoon);
    more.addEventListener("blur", hideSoon);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !card.hidden) {
        var link = current;
        hide();
        if (link && document.activeElement === more) link.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!card.hidden && !card.contains(event.target) && event.target !== current &&
          !(current && current.contains(event.target))) hide();
    });
    window.addEventListener("resize", function () { if (current) place(current); });
  }

  /* ---------- Timeline filter: by entity and kind, kept in the URL (?entity=…&kind=…) ----------
     Faceted: each option shows how many events it leaves given the other choice, and an option
     that would leave none is hidden (so no choice ends in "0 events"). */
  function setupTimelineFilter() {
    var form = document.getElementById("timeline-filter");
    if (!form) return;
    var entity = form.querySelector("#filter-entity");
    var kind = form.querySelector("#filter-kind");
    var status = form.querySelector(".filter-status");
    var events = document.querySelectorAll(".timeline li.event");
    var years = document.querySelectorAll(".timeline section.year");

    var facts = Array.prototype.map.call(events, function (li) {
      return { li: li, entities: (li.getAttribute("data-entities") || "").split(" "), kind: li.getAttribute("data-kind") };
    });
    function matches(fact, wantEntity, wantKind) {
      return (!wantEntity || fact.entities.indexOf(wantEntity) >= 0) && (!wantKind || fact.kind === wantKind);
    }
    function count(wantEntity, wantKind) {
      return facts.filter(function (fact) { return matches(fact, wantEntity, wantKind); }).length;
    }
    // each option: its label and the number of events it would leave, given the other select's value
    function relabel(select, countFor) {
      if (!select) return;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.hasAttribute("data-label")) option.setAttribute("data-label", option.textContent);
        var n = countFor(option.value);
        option.textContent = option.getAttribute("data-label") + " (" + n + ")";
        option.hidden = option.disabled = n === 0 && option.value !== "";
      });
    }

    function apply(updateUrl) {
      var wantEntity = entity.value, wantKind = kind ? kind.value : "";
      var shown = 0;
      facts.forEach(function (fact) {
        var ok = matches(fact, wantEntity, wantKind);
        fact.li.hidden = !ok;
        if (ok) shown += 1;
      });
      relabel(entity, function (value) { return count(value, wantKind); });
      relabel(kind, function (value) { return count(wantEntity, value); });
      Array.prototype.forEach.call(years, function (section) {
        section.hidden = !section.querySelector("li.event:not([hidden])");
      });
      status.textContent = (wantEntity || wantKind) ? "Showing " + shown + " of " + events.length + " events." : "";
      if (updateUrl) {
        var params = new URLSearchParams();
        if (wantEntity) params.set("entity", wantEntity);
        if (wantKind) params.set("kind", wantKind);
        var query = params.toString();
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      }
    }

    function fromUrl() {
      var params = new URLSearchParams(location.search);
      var pick = function (select, value) {
        if (!select) return;
        var ok = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
        select.value = ok ? value : "";
      };
      pick(entity, params.get("entity") || "");
      pick(kind, params.get("kind") || "");
      // a shared link to a combination that matches nothing keeps the entity, drops the kind
      if (kind && count(entity.value, kind.value) === 0) kind.value = "";
    }

    form.hidden = false;
    fromUrl();
    apply(false);
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  /* ---------- Margin notes: at wide widths each paragraph's aside sits beside it, taking no room
     in the text's flow (style.css); move an aside down where it would overlap the one above. ---- */
  function setupMargin() {
    var asides = document.querySelectorAll(".para > .para-aside");
    var body = document.querySelector(".article-body");
    if (!asides.length || !body || !window.matchMedia) return;
    var wide = window.matchMedia("(min-width: 68.75rem) and (scripting: enabled)");
    var GAP = 16;
    function layout() {
      var i, tops = [], heights = [], shifts = [], bottom = -Infinity;
      for (i = 0; i < asides.length; i++) {
        asides[i].style.top = "";
        asides[i].classList.remove("is-displaced");
      }
      body.style.paddingBottom = "";
      if (!wide.matches) return;
      for (i = 0; i < asides.length; i++) {  // read everything first: one layout, not one per aside
        var box = asides[i].getBoundingClientRect(), last = asides[i].lastElementChild;
        tops.push(box.top);
        heights.push(last ? last.getBoundingClientRect().bottom - box.top : 0);
      }
      var end = body.getBoundingClientRect().bottom;
      for (i = 0; i < asides.length; i++) {
        shifts.push(Math.max(0, Math.ceil(bottom + GAP - tops[i])));
        bottom = tops[i] + shifts[i] + heights[i];
      }
      for (i = 0; i < asides.length; i++) {  // a displaced aside names its paragraph (¶n)
        asides[i].style.top = shifts[i] ? shifts[i] + "px" : "";
        asides[i].classList.toggle("is-displaced", shifts[i] > 0);
      }
      if (bottom > end) body.style.paddingBottom = Math.ceil(bottom - end) + "px";
    }
    layout();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(layout);
    var pending = null;
    window.addEventListener("resize", function () { cancelAnimationFrame(pending); pending = requestAnimationFrame(layout); });
  }

  /* ---------- Old links into a split glossary or timeline ----------
     A large site's glossary and timeline are a page per letter or period; their first page lists
     every term and event under its old anchor (data-forward), so /glossary/#term-x still lands on
     it without a script, and with one goes on to the term itself. */
  function forwardMovedAnchor() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var entry = id && document.getElementById(id);
    var link = entry && entry.hasAttribute("data-forward") && entry.querySelector("a[href]");
    if (link) location.replace(link.href);
  }

  function start() { forwardMovedAnchor(); setupMargin(); setupCards(); setupTimelineFilter(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
