// Caps Lock hint for password fields. Progressive enhancement: without this
// script the hint simply stays hidden.
(function () {
  'use strict';

  function hintFor(input) {
    var parent = input.parentElement;
    var local = parent ? parent.querySelector('.caps-lock-hint') : null;
    return local || document.getElementById('caps-lock-hint');
  }

  function setHint(hint, on) {
    if (!hint) return;
    var hidden = hint.classList.contains('d-none');
    if (on && hidden) hint.classList.remove('d-none');
    else if (!on && !hidden) hint.classList.add('d-none');
  }

  function init() {
    var inputs = document.querySelectorAll('input[type="password"]');
    Array.prototype.forEach.call(inputs, function (input) {
      var hint = hintFor(input);
      if (!hint) return;
      var check = function (event) {
        if (!event || typeof event.getModifierState !== 'function') return;
        setHint(hint, event.getModifierState('CapsLock'));
      };
      input.addEventListener('keydown', check);
      input.addEventListener('keyup', check);
      input.addEventListener('mousedown', check);
      input.addEventListener('blur', function () {
        setHint(hint, false);
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
