// "Insert canned reply" on a ticket page ([data-canned-insert]): without
// JavaScript the form is a GET that reloads the page with the reply's
// textarea pre-filled (?canned=<id>); here it fills the textarea in place
// from the option's data-body, keeping what the agent already typed (the
// canned text goes after it). No inline handlers: the CSP allows scripts
// from 'self' only.
(function () {
  'use strict';

  function init() {
    var form = document.querySelector('form[data-canned-insert]');
    var select = form && form.querySelector('select[data-canned-select]');
    var textarea = document.getElementById('field-body');
    if (!form || !select || !textarea) return;
    form.addEventListener('submit', function (event) {
      var option = select.options[select.selectedIndex];
      var body = option && option.getAttribute('data-body');
      if (body === null || body === undefined) return; // let the GET fill it server-side
      event.preventDefault();
      var current = textarea.value.replace(/\s+$/, '');
      textarea.value = current ? current + '\n\n' + body : body;
      textarea.focus();
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
