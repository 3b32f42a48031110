/* explainer: progressive enhancement only. Every feature here has a plain-HTML fallback:
   links go to full pages, the timeline shows every event, the search page links the indexes. */
(function () {
  "use strict";

  /* ---------- Preview cards ---------------------------------------------------------------
     Card data is embedded in each page at build time (<script type="application/json" id="card-data">),
     so nothing is fetched. Hover or focus opens a card, Escape closes it, touch: first tap opens,
     the card's own link navigates. The card is tied to its link with aria-describedby. */
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

    function hide() {
      clearTimeout(showTimer);
      card.hidden = true;
      if (current) current.removeAttribute("aria-describedby");
      current = null;
      touchOpened = null;
    }

    function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 250); }

    var links = document.querySelectorAll("a[data-card]");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("mouseenter", function () {
        // Cancel a pending hide too: leaving and re-entering within 250 ms must not lose the card
        // (the hide would fire first and cancel this show).
        clearTimeout(showTimer); clearTimeout(hideTimer);
        showTimer = setTimeout(function () { show(link); }, 150);
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

  /* ---------- Timeline filter: by entity and kind, kept in the URL (?entity=…&kind=…) ---------- */
  function setupTimelineFilter() {
    var form = document.getElementById("timeline-filter");
    if (!form) return;
    var entity = form.querySelector("#filter-entity");
    var kind = form.querySelector("#filter-kind");
    var status = form.querySelector(".filter-status");
    var events = document.querySelectorAll(".timeline li.event");
    var years = document.querySelectorAll(".timeline section.year");

    function apply(updateUrl) {
      var wantEntity = entity.value, wantKind = kind ? kind.value : "";
      var shown = 0;
      Array.prototype.forEach.call(events, function (li) {
        var ok = (!wantEntity || (" " + li.getAttribute("data-entities") + " ").indexOf(" " + wantEntity + " ") >= 0) &&
                 (!wantKind || li.getAttribute("data-kind") === wantKind);
        li.hidden = !ok;
        if (ok) shown += 1;
      });
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
    }

    form.hidden = false;
    fromUrl();
    apply(false);
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  /* ---------- Search: Pagefind's UI, loaded only on the search page ---------- */
  function setupSearch() {
    var box = document.getElementById("search");
    if (!box || typeof window.PagefindUI !== "function") return;
    new window.PagefindUI({
      element: "#search", showSubResults: true, showImages: false, resetStyles: false,
      baseUrl: box.getAttribute("data-base") || "/",
      processResult: function (result) {
        if (result.meta && result.meta.kind && result.meta.title) {
          result.meta.title = result.meta.title + " · " + result.meta.kind;
        }
        return result;
      }
    });
    var params = new URLSearchParams(location.search);
    var input = box.querySelector("input");
    // Pagefind's input has only a title; give it a proper accessible name.
    if (input) input.setAttribute("aria-label", "Search the explainer");
    if (input && params.get("q")) {
      input.value = params.get("q");
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function start() { setupCards(); setupTimelineFilter(); setupSearch(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
