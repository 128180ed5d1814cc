// "Print" buttons ([data-print]): hidden in the markup, shown and wired here,
// so without JavaScript the page only tells the reader to use the browser's
// Print command. No inline handlers: the CSP allows scripts from 'self' only.
(function () {
  'use strict';

  function init() {
    var buttons = document.querySelectorAll('button[data-print]');
    Array.prototype.forEach.call(buttons, function (button) {
      if (typeof window.print !== 'function') return;
      button.hidden = false;
      button.addEventListener('click', function () {
        window.print();
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
