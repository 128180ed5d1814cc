// Live strength estimate for new-password fields (views/partials/form/new-password.hbs).
// Progressive enhancement: a rough length-and-variety guess while typing. The
// server's check (common passwords, your name and email) is the one that counts.
(function () {
  'use strict';

  var LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

  function estimate(password, minLength) {
    var chars = Array.from(password);
    if (chars.length === 0) return null;
    if (chars.length < minLength) {
      var missing = minLength - chars.length;
      return {
        score: chars.length < minLength / 2 ? 0 : 1,
        text: 'Too short: ' + missing + ' more character' + (missing === 1 ? '' : 's'),
      };
    }
    var pool = 0;
    if (/[a-z]/.test(password)) pool += 26;
    if (/[A-Z]/.test(password)) pool += 26;
    if (/[0-9]/.test(password)) pool += 10;
    if (/[^A-Za-z0-9]/.test(password)) pool += 33;
    // Repeats add little: count distinct characters fully, the rest at a quarter.
    var distinct = new Set(chars).size;
    var effective = distinct + (chars.length - distinct) / 4;
    var bits = effective * Math.log2(Math.max(pool, 2));
    var score = bits < 45 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4;
    if (distinct <= 3) score = 0;
    return { score: score, text: LABELS[score] + ' (estimate: saving checks it against common passwords)' };
  }

  function enhance(container) {
    var input = container.querySelector('[data-strength-input]');
    var box = container.querySelector('[data-strength]');
    var meter = container.querySelector('[data-strength-meter]');
    var text = container.querySelector('[data-strength-text]');
    if (!input || !box || !meter || !text) return;
    var minLength = input.minLength > 0 ? input.minLength : 12;
    var update = function () {
      var verdict = estimate(input.value, minLength);
      if (!verdict) {
        box.hidden = true;
        return;
      }
      box.hidden = false;
      meter.value = verdict.score;
      text.textContent = verdict.text;
    };
    input.addEventListener('input', update);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-password-strength]'), enhance);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
