// Guides that may help while a member types a ticket's subject (views/support/new.hbs).
// Progressive enhancement: without this script the form works the same. Asks
// /kb/suggest 200 ms after the last keystroke, drops an answer that a newer
// keystroke made stale, and builds the list from DOM nodes (text only).
(function () {
  'use strict';

  var DELAY = 200;
  var MAX = 5;

  function enhance(box) {
    var input = document.getElementById(box.getAttribute('data-kb-suggest-for'));
    var list = box.querySelector('[data-kb-suggest-list]');
    if (!input || !list) return;
    var timer = null;
    var pending = null;
    var lastQuery = '';

    function show(hits) {
      while (list.firstChild) list.removeChild(list.firstChild);
      hits.slice(0, MAX).forEach(function (hit) {
        if (!hit || typeof hit.slug !== 'string' || typeof hit.title !== 'string') return;
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = '/kb/' + encodeURIComponent(hit.slug);
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = hit.title;
        link.setAttribute('data-kb-suggestion', '');
        item.appendChild(link);
        if (typeof hit.snippet === 'string' && hit.snippet) {
          var snippet = document.createElement('div');
          snippet.className = 'text-secondary small';
          snippet.textContent = hit.snippet;
          item.appendChild(snippet);
        }
        list.appendChild(item);
      });
      box.hidden = list.childElementCount === 0;
    }

    function ask() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (pending) pending.abort();
      pending = null;
      if (q.length < 2) return show([]);
      var controller = typeof AbortController === 'function' ? new AbortController() : null;
      pending = controller;
      fetch('/kb/suggest?q=' + encodeURIComponent(q), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        signal: controller ? controller.signal : undefined,
      })
        .then(function (res) {
          return res.ok ? res.json() : [];
        })
        .then(function (hits) {
          if (pending !== controller) return;
          pending = null;
          show(Array.isArray(hits) ? hits : []);
        })
        .catch(function () {
          // Aborted for a newer keystroke, or offline: the form works without suggestions.
        });
    }

    input.addEventListener('input', function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
  }

  function start() {
    var boxes = document.querySelectorAll('[data-kb-suggest-for]');
    for (var i = 0; i < boxes.length; i++) enhance(boxes[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
